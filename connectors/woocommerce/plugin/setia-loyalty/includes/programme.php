<?php
/**
 * The [setia_programme] shortcode: the programme page (ways to earn, rewards, FAQ, in the shop's
 * language) that Setia serves at APP_URL/widget/v1/<public_id>/programme, fetched by the server,
 * kept five minutes in a transient and printed in the site's own page (its <main> and its styles
 * only). Nothing personal is on it, so one copy serves every visitor. Put it on a page of its own.
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

const SETIA_LOYALTY_PROGRAMME_CACHE = 300;

/**
 * The programme page's content as Setia answers it now ('' when Setia cannot be reached).
 *
 * @return string
 */
function setia_loyalty_fetch_programme() {
	$app_url   = setia_loyalty_app_url();
	$public_id = setia_loyalty_option( 'public_id' );
	if ( '' === $app_url || '' === $public_id ) {
		return '';
	}
	$response = wp_remote_get( $app_url . '/widget/v1/' . rawurlencode( $public_id ) . '/programme', array( 'timeout' => 5 ) );
	if ( is_wp_error( $response ) || 200 !== (int) wp_remote_retrieve_response_code( $response ) ) {
		return '';
	}
	$body = (string) wp_remote_retrieve_body( $response );
	if ( ! preg_match( '#<main class="setia-programme">.*</main>#s', $body, $main ) ) {
		return '';
	}
	$style = preg_match( '#<style>(.*?)</style>#s', $body, $css ) ? $css[1] : '';
	return '<style>' . wp_strip_all_tags( $style ) . '</style>' . wp_kses_post( $main[0] );
}

/**
 * The shortcode's output.
 *
 * @return string
 */
function setia_loyalty_programme_shortcode() {
	$key  = 'setia_loyalty_programme_' . md5( setia_loyalty_app_url() . '|' . setia_loyalty_option( 'public_id' ) );
	$html = get_transient( $key );
	if ( false === $html ) {
		$html = setia_loyalty_fetch_programme();
		if ( '' !== $html ) {
			set_transient( $key, $html, SETIA_LOYALTY_PROGRAMME_CACHE );
		}
	}
	return (string) $html;
}

/**
 * Hook of the shortcode.
 */
function setia_loyalty_register_programme_hooks() {
	add_shortcode( 'setia_programme', 'setia_loyalty_programme_shortcode' );
}

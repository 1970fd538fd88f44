<?php
/**
 * The signed shopper identity of the widget (Setia's CONTRACT.md): sig = hex HMAC-SHA256 keyed with
 * the shop's widget secret over "<customer>:<ts>". Pure PHP, no WordPress calls, so it can be tested
 * on its own against the Setia widget API.
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

/**
 * The signature Setia's widget API checks.
 *
 * @param string     $secret   The shop's widget secret (never sent to the browser).
 * @param string     $customer The WooCommerce customer id (the WordPress user id).
 * @param int|string $ts       Unix seconds.
 * @return string Lower-case hex.
 */
function setia_loyalty_sign( $secret, $customer, $ts ) {
	return hash_hmac( 'sha256', $customer . ':' . $ts, $secret );
}

/**
 * The widget script's data attributes. A shopper who is not logged in (customer '' or '0') or a
 * store without a secret gets only data-shop: the widget then shows its signed-out view.
 *
 * @param string     $public_id The shop's Setia public id.
 * @param string     $customer  The customer id, '' or '0' for a guest.
 * @param int|string $ts        Unix seconds.
 * @param string     $secret    The widget secret.
 * @return array<string, string>
 */
function setia_loyalty_identity_attributes( $public_id, $customer, $ts, $secret ) {
	$attributes = array( 'data-shop' => (string) $public_id );
	$customer   = (string) $customer;
	if ( '' !== $customer && '0' !== $customer && '' !== (string) $secret ) {
		$attributes['data-customer'] = $customer;
		$attributes['data-ts']       = (string) $ts;
		$attributes['data-sig']      = setia_loyalty_sign( (string) $secret, $customer, (string) $ts );
	}
	return $attributes;
}

/**
 * Attributes as HTML, each value escaped for a double-quoted attribute (what esc_attr does).
 *
 * @param array<string, string> $attributes Name => value.
 * @return string Leading space included, '' when empty.
 */
function setia_loyalty_attributes_html( array $attributes ) {
	$html = '';
	foreach ( $attributes as $name => $value ) {
		$html .= ' ' . preg_replace( '/[^a-z0-9\-]/', '', strtolower( $name ) ) . '="' . htmlspecialchars( $value, ENT_QUOTES, 'UTF-8' ) . '"';
	}
	return $html;
}

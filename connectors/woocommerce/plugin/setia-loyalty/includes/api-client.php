<?php
/**
 * Calls to Setia's merchant API (/api/v1, `Authorization: Bearer <api key>`), used by the privacy
 * tools. The app URL is the merchant's own setting, so plain wp_remote_request (a development Setia
 * may live on a private address).
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

/**
 * One API call.
 *
 * @param string     $method HTTP method.
 * @param string     $path   Path under /api/v1, with its query string.
 * @param array|null $body   JSON body.
 * @return array{status: int, body: mixed}|WP_Error Status 0 with an error when not configured.
 */
function setia_loyalty_api_request( $method, $path, $body = null ) {
	$app_url = setia_loyalty_app_url();
	$api_key = setia_loyalty_option( 'api_key' );
	if ( '' === $app_url || '' === $api_key ) {
		return new WP_Error( 'setia_loyalty_not_configured', __( 'The Setia app URL or merchant API key is not set.', 'setia-loyalty' ) );
	}
	$args = array(
		'method'  => $method,
		'timeout' => 15,
		'headers' => array(
			'Authorization' => 'Bearer ' . $api_key,
			'Accept'        => 'application/json',
		),
	);
	if ( null !== $body ) {
		$args['headers']['Content-Type'] = 'application/json';
		$args['body']                    = wp_json_encode( $body );
	}
	$response = wp_remote_request( $app_url . '/api/v1' . $path, $args );
	if ( is_wp_error( $response ) ) {
		return $response;
	}
	return array(
		'status' => (int) wp_remote_retrieve_response_code( $response ),
		'body'   => json_decode( wp_remote_retrieve_body( $response ), true ),
	);
}

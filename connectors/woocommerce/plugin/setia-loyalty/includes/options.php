<?php
/**
 * The plugin's options. Stored with autoload off (they are needed on few requests and two of them
 * are secrets); secrets are never printed back in full.
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

const SETIA_LOYALTY_OPTIONS = array(
	'app_url'       => 'setia_loyalty_app_url',
	'public_id'     => 'setia_loyalty_public_id',
	'widget_secret' => 'setia_loyalty_widget_secret',
	'api_key'       => 'setia_loyalty_api_key',
);

const SETIA_LOYALTY_SECRET_OPTIONS = array( 'widget_secret', 'api_key' );

/**
 * One option's value ('' when unset).
 *
 * @param string $name A key of SETIA_LOYALTY_OPTIONS.
 * @return string
 */
function setia_loyalty_option( $name ) {
	return (string) get_option( SETIA_LOYALTY_OPTIONS[ $name ], '' );
}

/**
 * Stores one option, never autoloaded.
 *
 * @param string $name  A key of SETIA_LOYALTY_OPTIONS.
 * @param string $value The value.
 */
function setia_loyalty_save_option( $name, $value ) {
	update_option( SETIA_LOYALTY_OPTIONS[ $name ], $value, false );
}

/**
 * The Setia app URL without a trailing slash ('' when unset).
 *
 * @return string
 */
function setia_loyalty_app_url() {
	return untrailingslashit( setia_loyalty_option( 'app_url' ) );
}

/**
 * A secret as the settings screen shows it: its last four characters only.
 *
 * @param string $secret The secret.
 * @return string
 */
function setia_loyalty_mask( $secret ) {
	if ( '' === $secret ) {
		return '';
	}
	return str_repeat( '•', 8 ) . substr( $secret, -4 );
}

<?php
/**
 * Deleting the plugin deletes its options (the Setia app URL, public id and secrets).
 *
 * @package SetiaLoyalty
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

foreach ( array( 'setia_loyalty_app_url', 'setia_loyalty_public_id', 'setia_loyalty_widget_secret', 'setia_loyalty_api_key' ) as $setia_loyalty_option ) {
	delete_option( $setia_loyalty_option );
}

<?php
/**
 * Plugin Name:       Setia Loyalty
 * Plugin URI:        https://github.com/setia-loyalty/setia
 * Description:       Connects a WooCommerce store to Setia: the loyalty widget, points at checkout (blocks and classic), the "Loyalty" tab in My Account, unboxing coupons and coupon links.
 * Version:           0.1.0
 * Requires at least: 6.0
 * Requires PHP:      7.4
 * Requires Plugins:  woocommerce
 * WC requires at least: 7.0
 * Author:            Setia
 * License:           GPL-2.0-or-later
 * Text Domain:       setia-loyalty
 * Domain Path:       /languages
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

define( 'SETIA_LOYALTY_VERSION', '0.1.0' );
define( 'SETIA_LOYALTY_FILE', __FILE__ );
define( 'SETIA_LOYALTY_DIR', __DIR__ . '/includes/' );

require_once SETIA_LOYALTY_DIR . 'identity.php';
require_once SETIA_LOYALTY_DIR . 'options.php';
require_once SETIA_LOYALTY_DIR . 'settings.php';
require_once SETIA_LOYALTY_DIR . 'storefront.php';
require_once SETIA_LOYALTY_DIR . 'checkout-texts.php';
require_once SETIA_LOYALTY_DIR . 'checkout.php';
require_once SETIA_LOYALTY_DIR . 'account.php';
require_once SETIA_LOYALTY_DIR . 'unboxing.php';
require_once SETIA_LOYALTY_DIR . 'coupon-link.php';
require_once SETIA_LOYALTY_DIR . 'api-client.php';
require_once SETIA_LOYALTY_DIR . 'privacy.php';
require_once SETIA_LOYALTY_DIR . 'programme.php';

/**
 * Loads the translations.
 */
function setia_loyalty_load_textdomain() {
	load_plugin_textdomain( 'setia-loyalty', false, dirname( plugin_basename( SETIA_LOYALTY_FILE ) ) . '/languages' );
}
add_action( 'init', 'setia_loyalty_load_textdomain' );

/**
 * Everything but the notice below needs WooCommerce; without it the plugin only says so.
 */
function setia_loyalty_boot() {
	if ( ! class_exists( 'WooCommerce' ) ) {
		add_action( 'admin_notices', 'setia_loyalty_missing_woocommerce_notice' );
		return;
	}
	setia_loyalty_register_settings_hooks();
	setia_loyalty_register_storefront_hooks();
	setia_loyalty_register_checkout_hooks();
	setia_loyalty_register_account_hooks();
	setia_loyalty_register_unboxing_hooks();
	setia_loyalty_register_coupon_link_hooks();
	setia_loyalty_register_privacy_hooks();
	setia_loyalty_register_programme_hooks();
}
add_action( 'plugins_loaded', 'setia_loyalty_boot' );

/**
 * Admin notice shown while WooCommerce is not active.
 */
function setia_loyalty_missing_woocommerce_notice() {
	echo '<div class="notice notice-error"><p>' . esc_html__( 'Setia Loyalty needs WooCommerce. Please install and activate WooCommerce.', 'setia-loyalty' ) . '</p></div>';
}

/**
 * The My Account endpoint is a rewrite rule: register it, then flush once.
 */
function setia_loyalty_activate() {
	setia_loyalty_add_account_endpoint();
	flush_rewrite_rules();
}
register_activation_hook( __FILE__, 'setia_loyalty_activate' );

/**
 * Removes the endpoint's rewrite rule again.
 */
function setia_loyalty_deactivate() {
	flush_rewrite_rules();
}
register_deactivation_hook( __FILE__, 'setia_loyalty_deactivate' );

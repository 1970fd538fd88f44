<?php
/**
 * Where the loyalty panel renders inside the page: the [setia_loyalty] shortcode and a "Loyalty"
 * tab in My Account. Both print the same container; the widget mounts its panel into it.
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

const SETIA_LOYALTY_ENDPOINT = 'setia-loyalty';

/**
 * Hooks of the shortcode and the My Account tab.
 */
function setia_loyalty_register_account_hooks() {
	add_shortcode( 'setia_loyalty', 'setia_loyalty_panel_html' );
	add_action( 'init', 'setia_loyalty_add_account_endpoint' );
	add_filter( 'woocommerce_get_query_vars', 'setia_loyalty_account_query_vars' );
	add_filter( 'woocommerce_account_menu_items', 'setia_loyalty_account_menu_items' );
	add_filter( 'woocommerce_endpoint_' . SETIA_LOYALTY_ENDPOINT . '_title', 'setia_loyalty_account_title' );
	add_action( 'woocommerce_account_' . SETIA_LOYALTY_ENDPOINT . '_endpoint', 'setia_loyalty_render_account_tab' );
}

/**
 * My Account → Loyalty is the endpoint /my-account/setia-loyalty/.
 */
function setia_loyalty_add_account_endpoint() {
	add_rewrite_endpoint( SETIA_LOYALTY_ENDPOINT, EP_ROOT | EP_PAGES );
}

/**
 * Lets WooCommerce recognise the endpoint (page title, is_wc_endpoint_url).
 *
 * @param array<string, string> $vars Query vars.
 * @return array<string, string>
 */
function setia_loyalty_account_query_vars( $vars ) {
	$vars[ SETIA_LOYALTY_ENDPOINT ] = SETIA_LOYALTY_ENDPOINT;
	return $vars;
}

/**
 * Adds "Loyalty" before "Log out".
 *
 * @param array<string, string> $items Menu items.
 * @return array<string, string>
 */
function setia_loyalty_account_menu_items( $items ) {
	$logout = isset( $items['customer-logout'] ) ? array( 'customer-logout' => $items['customer-logout'] ) : array();
	unset( $items['customer-logout'] );
	$items[ SETIA_LOYALTY_ENDPOINT ] = __( 'Loyalty', 'setia-loyalty' );
	return $items + $logout;
}

/**
 * The tab's page title.
 *
 * @return string
 */
function setia_loyalty_account_title() {
	return __( 'Loyalty', 'setia-loyalty' );
}

/**
 * The panel container. Without the widget (not configured, or no JavaScript) it says so.
 *
 * @return string
 */
function setia_loyalty_panel_html() {
	if ( ! setia_loyalty_widget_configured() ) {
		return '';
	}
	return '<div class="setia-loyalty-panel" data-setia-panel="inline"><noscript>'
		. esc_html__( 'Turn on JavaScript to see your loyalty points.', 'setia-loyalty' )
		. '</noscript></div>';
}

/**
 * My Account → Loyalty.
 */
function setia_loyalty_render_account_tab() {
	echo setia_loyalty_panel_html(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts above.
}

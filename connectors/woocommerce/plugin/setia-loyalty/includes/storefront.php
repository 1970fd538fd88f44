<?php
/**
 * The storefront widget: enqueues {APP_URL}/widgets/loyalty.js with defer, and for a logged-in
 * customer adds the signed identity (data-customer, data-ts, data-sig) computed here, on the server.
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

const SETIA_LOYALTY_SCRIPT = 'setia-loyalty';

/**
 * Hooks of the storefront script.
 */
function setia_loyalty_register_storefront_hooks() {
	add_action( 'wp_enqueue_scripts', 'setia_loyalty_enqueue_widget' );
	add_filter( 'script_loader_tag', 'setia_loyalty_script_tag', 10, 2 );
	add_action( 'woocommerce_after_cart_totals', 'setia_loyalty_render_cart_points' );
}

/**
 * True when the store is configured enough to show the widget.
 *
 * @return bool
 */
function setia_loyalty_widget_configured() {
	return '' !== setia_loyalty_app_url() && '' !== setia_loyalty_option( 'public_id' );
}

/**
 * Script strategies (the 5th argument as an array) exist since WordPress 6.3.
 *
 * @return bool
 */
function setia_loyalty_supports_script_strategy() {
	return version_compare( get_bloginfo( 'version' ), '6.3', '>=' );
}

/**
 * Enqueues the widget loader. Its version is left to Setia (the loader has a short cache lifetime
 * and loads versioned files itself), hence no ?ver= query.
 */
function setia_loyalty_enqueue_widget() {
	if ( ! setia_loyalty_widget_configured() ) {
		return;
	}
	$src  = setia_loyalty_app_url() . '/widgets/loyalty.js';
	$args = setia_loyalty_supports_script_strategy() ? array(
		'in_footer' => true,
		'strategy'  => 'defer',
	) : true;
	wp_enqueue_script( SETIA_LOYALTY_SCRIPT, $src, array(), null, $args ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion
}

/**
 * The current shopper's identity attributes (only data-shop for a guest).
 *
 * @return array<string, string>
 */
function setia_loyalty_current_attributes() {
	$customer = is_user_logged_in() ? (string) get_current_user_id() : '';
	return setia_loyalty_identity_attributes(
		setia_loyalty_option( 'public_id' ),
		$customer,
		time(),
		setia_loyalty_option( 'widget_secret' )
	);
}

/**
 * Adds the data attributes (and defer on WordPress before 6.3) to our script tag.
 *
 * @param string $tag    The script tag.
 * @param string $handle The script handle.
 * @return string
 */
function setia_loyalty_script_tag( $tag, $handle ) {
	if ( SETIA_LOYALTY_SCRIPT !== $handle ) {
		return $tag;
	}
	$attributes = setia_loyalty_attributes_html( setia_loyalty_current_attributes() );
	if ( ! preg_match( '/\sdefer[\s=>]/', $tag ) ) {
		$attributes .= ' defer';
	}
	return preg_replace( '/<script\s/', '<script' . $attributes . ' ', $tag, 1 );
}

/**
 * The cart page's "you will earn N points" element, filled by the widget. data-subtotal is Setia's
 * earning basis: the subtotal after discounts, without shipping and taxes, as a plain decimal.
 * (The Cart and Checkout blocks get theirs from checkout.php.)
 */
function setia_loyalty_render_cart_points() {
	if ( ! setia_loyalty_widget_configured() || ! function_exists( 'WC' ) || ! WC()->cart ) {
		return;
	}
	printf( '<div data-setia="cart" data-subtotal="%s"></div>', esc_attr( setia_loyalty_cart_basis( WC()->cart ) ) );
}

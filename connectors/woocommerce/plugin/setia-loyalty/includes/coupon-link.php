<?php
/**
 * `?coupon=CODE` links on any page but WooCommerce's own /checkout-link/ (left to it): apply the code
 * to the cart, then redirect to the cart without the parameter. With an empty cart the code waits in
 * the session until something is added.
 * A GET link changes the cart on purpose, as sharable coupon links do; it can only add a discount.
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

const SETIA_LOYALTY_PENDING_COUPON = 'setia_loyalty_pending_coupon';

/**
 * Hooks of the coupon link.
 */
function setia_loyalty_register_coupon_link_hooks() {
	add_action( 'template_redirect', 'setia_loyalty_handle_coupon_link', 5 );
	add_action( 'woocommerce_add_to_cart', 'setia_loyalty_apply_pending_coupon', 20 );
}

/**
 * Applies ?coupon=CODE and redirects to the cart.
 */
function setia_loyalty_handle_coupon_link() {
	if ( ! isset( $_GET['coupon'] ) || is_admin() || wp_doing_ajax() ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		return;
	}
	// WooCommerce's own /checkout-link/?products=...&coupon=... (its `checkout-link` query var, handled
	// on template_redirect at priority 10) fills the cart, then applies the code itself. Running first
	// (priority 5), this handler would send the shopper to an empty cart with no products added.
	if ( get_query_var( 'checkout-link' ) ) {
		return;
	}
	$code = wc_format_coupon_code( sanitize_text_field( wp_unslash( $_GET['coupon'] ) ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
	$cart = WC()->cart;
	if ( '' !== $code && $cart && WC()->session ) {
		if ( ! WC()->session->has_session() ) {
			WC()->session->set_customer_session_cookie( true );  // a guest's cart and notices need a session
		}
		if ( $cart->is_empty() ) {
			WC()->session->set( SETIA_LOYALTY_PENDING_COUPON, $code );
			/* translators: %s: coupon code */
			wc_add_notice( sprintf( __( 'Coupon %s will be applied when you add a product to your cart.', 'setia-loyalty' ), esc_html( $code ) ), 'notice' );
		} elseif ( ! $cart->has_discount( $code ) ) {
			$cart->apply_coupon( $code );  // adds its own success or error notice
		}
	}
	wp_safe_redirect( remove_query_arg( 'coupon', wc_get_cart_url() ) );
	exit;
}

/**
 * Applies a code that waited for a non-empty cart.
 */
function setia_loyalty_apply_pending_coupon() {
	if ( ! WC()->session || ! WC()->cart ) {
		return;
	}
	$code = (string) WC()->session->get( SETIA_LOYALTY_PENDING_COUPON, '' );
	if ( '' === $code ) {
		return;
	}
	WC()->session->set( SETIA_LOYALTY_PENDING_COUPON, null );
	if ( ! WC()->cart->has_discount( $code ) ) {
		WC()->cart->apply_coupon( $code );
	}
}

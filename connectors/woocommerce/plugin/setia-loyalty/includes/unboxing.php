<?php
/**
 * The unboxing coupon: Setia creates it on the store through the REST API and writes its code into
 * the order meta `_setia_unboxing_coupon`; the plugin shows it on the thank-you page, in the
 * customer's order emails and on the admin order screen.
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

const SETIA_LOYALTY_UNBOXING_META = '_setia_unboxing_coupon';

/**
 * Hooks of the unboxing coupon.
 */
function setia_loyalty_register_unboxing_hooks() {
	add_action( 'woocommerce_thankyou', 'setia_loyalty_render_thankyou_coupon', 20 );
	add_action( 'woocommerce_email_after_order_table', 'setia_loyalty_render_email_coupon', 20, 4 );
	add_action( 'woocommerce_admin_order_data_after_order_details', 'setia_loyalty_render_admin_coupon' );
}

/**
 * The order's unboxing coupon code ('' when it has none).
 *
 * @param WC_Order|mixed $order The order.
 * @return string
 */
function setia_loyalty_unboxing_code( $order ) {
	if ( ! $order instanceof WC_Order ) {
		return '';
	}
	return trim( (string) $order->get_meta( SETIA_LOYALTY_UNBOXING_META, true ) );
}

/**
 * A link that applies the code to the cart (see coupon-link.php).
 *
 * @param string $code Coupon code.
 * @return string
 */
function setia_loyalty_coupon_link( $code ) {
	return add_query_arg( 'coupon', rawurlencode( $code ), home_url( '/' ) );
}

/**
 * Thank-you page.
 *
 * @param int $order_id Order id.
 */
function setia_loyalty_render_thankyou_coupon( $order_id ) {
	$code = setia_loyalty_unboxing_code( wc_get_order( $order_id ) );
	if ( '' === $code ) {
		return;
	}
	echo '<section class="setia-loyalty-unboxing"><h2>' . esc_html__( 'A gift for your next order', 'setia-loyalty' ) . '</h2>';
	echo '<p>' . esc_html__( 'Your coupon code:', 'setia-loyalty' ) . ' <strong>' . esc_html( $code ) . '</strong></p>';
	echo '<p><a class="button" href="' . esc_url( setia_loyalty_coupon_link( $code ) ) . '">' . esc_html__( 'Use it now', 'setia-loyalty' ) . '</a></p></section>';
}

/**
 * Customer order emails (not the ones sent to the shop).
 *
 * @param WC_Order $order         The order.
 * @param bool     $sent_to_admin Whether the email goes to the shop.
 * @param bool     $plain_text    Plain-text email.
 * @param mixed    $email         The WC_Email (unused).
 */
function setia_loyalty_render_email_coupon( $order, $sent_to_admin, $plain_text, $email = null ) {
	$code = setia_loyalty_unboxing_code( $order );
	if ( $sent_to_admin || '' === $code ) {
		return;
	}
	if ( $plain_text ) {
		echo "\n" . esc_html__( 'A gift for your next order. Your coupon code:', 'setia-loyalty' ) . ' ' . esc_html( $code ) . "\n";
		echo esc_url_raw( setia_loyalty_coupon_link( $code ) ) . "\n\n";
		return;
	}
	echo '<h2>' . esc_html__( 'A gift for your next order', 'setia-loyalty' ) . '</h2>';
	echo '<p>' . esc_html__( 'Your coupon code:', 'setia-loyalty' ) . ' <strong>' . esc_html( $code ) . '</strong> ';
	echo '<a href="' . esc_url( setia_loyalty_coupon_link( $code ) ) . '">' . esc_html__( 'Use it now', 'setia-loyalty' ) . '</a></p>';
}

/**
 * Admin order screen (classic and HPOS both fire this action).
 *
 * @param WC_Order $order The order.
 */
function setia_loyalty_render_admin_coupon( $order ) {
	$code = setia_loyalty_unboxing_code( $order );
	if ( '' === $code ) {
		return;
	}
	echo '<p class="form-field form-field-wide"><strong>' . esc_html__( 'Setia unboxing coupon:', 'setia-loyalty' ) . '</strong> ' . esc_html( $code ) . '</p>';
}

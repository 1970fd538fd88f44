<?php
/**
 * The unboxing coupon: Setia creates it on the store through the REST API and writes into the order
 * meta its code (`_setia_unboxing_coupon`), the scan link of its printed card (`_setia_unboxing_url`,
 * APP_URL/u/<token>: it applies the code on this store and counts the scan) and the PNG of that
 * link's QR code (`_setia_unboxing_qr`). The plugin shows them on the thank-you page, in the
 * customer's order emails, on the admin order screen and on the packing slips of "PDF Invoices &
 * Packing Slips for WooCommerce" (packing slips only).
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

const SETIA_LOYALTY_UNBOXING_META     = '_setia_unboxing_coupon';
const SETIA_LOYALTY_UNBOXING_URL_META = '_setia_unboxing_url';
const SETIA_LOYALTY_UNBOXING_QR_META  = '_setia_unboxing_qr';

/**
 * Hooks of the unboxing coupon.
 */
function setia_loyalty_register_unboxing_hooks() {
	add_action( 'woocommerce_thankyou', 'setia_loyalty_render_thankyou_coupon', 20 );
	add_action( 'woocommerce_email_order_meta', 'setia_loyalty_render_email_coupon', 20, 4 );
	add_action( 'woocommerce_admin_order_data_after_order_details', 'setia_loyalty_render_admin_coupon' );
	add_action( 'wpo_wcpdf_after_order_details', 'setia_loyalty_render_packing_slip_coupon', 20, 2 );
}

/**
 * One order meta value as a trimmed string ('' when the order has none).
 *
 * @param WC_Order|mixed $order The order.
 * @param string         $key   Meta key.
 * @return string
 */
function setia_loyalty_order_meta( $order, $key ) {
	if ( ! $order instanceof WC_Order ) {
		return '';
	}
	return trim( (string) $order->get_meta( $key, true ) );
}

/**
 * The order's unboxing coupon code ('' when it has none).
 *
 * @param WC_Order|mixed $order The order.
 * @return string
 */
function setia_loyalty_unboxing_code( $order ) {
	return setia_loyalty_order_meta( $order, SETIA_LOYALTY_UNBOXING_META );
}

/**
 * An https or http link Setia wrote, or '' (anything else in the meta is not shown).
 *
 * @param WC_Order|mixed $order The order.
 * @param string         $key   Meta key.
 * @return string
 */
function setia_loyalty_unboxing_link( $order, $key ) {
	$url = setia_loyalty_order_meta( $order, $key );
	return preg_match( '#^https?://#i', $url ) ? $url : '';
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
 * Where "Use it now" goes: the card's scan link when Setia wrote one (it counts the visit and applies
 * the code), else the store's own coupon link.
 *
 * @param WC_Order $order The order.
 * @param string   $code  Coupon code.
 * @return string
 */
function setia_loyalty_use_link( $order, $code ) {
	$scan = setia_loyalty_unboxing_link( $order, SETIA_LOYALTY_UNBOXING_URL_META );
	return '' !== $scan ? $scan : setia_loyalty_coupon_link( $code );
}

/**
 * The QR code image of the card's scan link ('' without one).
 *
 * @param WC_Order $order The order.
 * @param int      $size  Width and height in pixels.
 * @return string
 */
function setia_loyalty_qr_img( $order, $size ) {
	$qr = setia_loyalty_unboxing_link( $order, SETIA_LOYALTY_UNBOXING_QR_META );
	if ( '' === $qr ) {
		return '';
	}
	return '<img class="setia-loyalty-qr" src="' . esc_url( $qr ) . '" width="' . (int) $size . '" height="' . (int) $size . '" alt="' . esc_attr__( 'QR code of your coupon', 'setia-loyalty' ) . '">';
}

/**
 * Thank-you page.
 *
 * @param int $order_id Order id.
 */
function setia_loyalty_render_thankyou_coupon( $order_id ) {
	$order = wc_get_order( $order_id );
	$code  = setia_loyalty_unboxing_code( $order );
	if ( '' === $code ) {
		return;
	}
	echo '<section class="setia-loyalty-unboxing"><h2>' . esc_html__( 'A gift for your next order', 'setia-loyalty' ) . '</h2>';
	echo '<p>' . esc_html__( 'Your coupon code:', 'setia-loyalty' ) . ' <strong>' . esc_html( $code ) . '</strong></p>';
	echo '<p><a class="button" href="' . esc_url( setia_loyalty_coupon_link( $code ) ) . '">' . esc_html__( 'Use it now', 'setia-loyalty' ) . '</a></p></section>';
}

/**
 * Customer order emails (not the ones sent to the shop): the code, the QR code as a PNG image (mail
 * clients drop inline SVG) and the link.
 *
 * @param WC_Order $order         The order.
 * @param bool     $sent_to_admin Whether the email goes to the shop.
 * @param bool     $plain_text    Plain-text email.
 * @param mixed    $email         The WC_Email (unused).
 */
function setia_loyalty_render_email_coupon( $order, $sent_to_admin = false, $plain_text = false, $email = null ) {
	$code = setia_loyalty_unboxing_code( $order );
	if ( $sent_to_admin || '' === $code ) {
		return;
	}
	$link = setia_loyalty_use_link( $order, $code );
	if ( $plain_text ) {
		echo "\n" . esc_html__( 'A gift for your next order. Your coupon code:', 'setia-loyalty' ) . ' ' . esc_html( $code ) . "\n";
		echo esc_url_raw( $link ) . "\n\n";
		return;
	}
	echo '<div class="setia-loyalty-unboxing"><h2>' . esc_html__( 'A gift for your next order', 'setia-loyalty' ) . '</h2>';
	echo '<p>' . esc_html__( 'Your coupon code:', 'setia-loyalty' ) . ' <strong>' . esc_html( $code ) . '</strong> ';
	echo '<a href="' . esc_url( $link ) . '">' . esc_html__( 'Use it now', 'setia-loyalty' ) . '</a></p>';
	$img = setia_loyalty_qr_img( $order, 150 );
	if ( '' !== $img ) {
		echo '<p>' . $img . '</p>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in setia_loyalty_qr_img.
	}
	echo '</div>';
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
	echo '<div class="form-field form-field-wide setia-loyalty-unboxing"><p><strong>' . esc_html__( 'Setia unboxing coupon:', 'setia-loyalty' ) . '</strong> ' . esc_html( $code ) . '</p>';
	$scan = setia_loyalty_unboxing_link( $order, SETIA_LOYALTY_UNBOXING_URL_META );
	if ( '' !== $scan ) {
		echo '<p><a href="' . esc_url( $scan ) . '" target="_blank" rel="noopener">' . esc_html__( 'Scan link of the card', 'setia-loyalty' ) . '</a></p>';
	}
	$img = setia_loyalty_qr_img( $order, 120 );
	if ( '' !== $img ) {
		echo '<p>' . $img . '</p>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in setia_loyalty_qr_img.
	}
	echo '</div>';
}

/**
 * "PDF Invoices & Packing Slips for WooCommerce": after the items table of a packing slip (never an
 * invoice), the code and its QR code for the shopper who unpacks the parcel.
 *
 * @param string   $document_type 'packing-slip', 'invoice', ...
 * @param WC_Order $order         The order.
 */
function setia_loyalty_render_packing_slip_coupon( $document_type, $order ) {
	$code = setia_loyalty_unboxing_code( $order );
	if ( 'packing-slip' !== $document_type || '' === $code ) {
		return;
	}
	echo '<table class="setia-loyalty-unboxing" style="width:100%;margin-top:8mm;border:1px dashed #999;"><tr><td style="padding:4mm;">';
	echo '<h3>' . esc_html__( 'A gift for your next order', 'setia-loyalty' ) . '</h3>';
	echo '<p>' . esc_html__( 'Your coupon code:', 'setia-loyalty' ) . ' <strong style="font-size:16pt;">' . esc_html( $code ) . '</strong></p>';
	echo '<p>' . esc_html__( 'Scan the QR code or enter the code at checkout.', 'setia-loyalty' ) . '</p></td><td style="width:35mm;padding:4mm;">';
	echo setia_loyalty_qr_img( $order, 120 ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in setia_loyalty_qr_img.
	echo '</td></tr></table>';
}

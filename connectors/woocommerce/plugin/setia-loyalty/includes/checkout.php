<?php
/**
 * Points where the shopper pays: "You will earn N points", the signed-in shopper's balance and "Use
 * your points" (redeem a reward, then apply its code to the cart), drawn by assets/checkout.js.
 *
 * - Cart and Checkout blocks (WooCommerce's default since 8.3): an integration registered for both
 *   blocks loads the script, which fills the order summary (the ExperimentalOrderMeta slot); the
 *   Store API cart carries Setia's data under the namespace `setia`, so every cart update (quantities,
 *   codes) brings the new earning basis; codes are applied through the blocks' cart store.
 * - Classic checkout (the [woocommerce_checkout] shortcode): the element before the payment methods;
 *   the basis rides along in WooCommerce's order review fragments; codes are applied by the
 *   `setia_loyalty_apply_coupon` wc-ajax handler below (nonce, signed-in shopper, WC()->cart->apply_coupon).
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

const SETIA_LOYALTY_BLOCKS_SCRIPT    = 'setia-loyalty-checkout-blocks';
const SETIA_LOYALTY_CLASSIC_SCRIPT   = 'setia-loyalty-checkout-classic';
const SETIA_LOYALTY_STORE_API_NS     = 'setia';
const SETIA_LOYALTY_APPLY_ACTION     = 'setia_loyalty_apply_coupon';
const SETIA_LOYALTY_INTEGRATION      = 'Automattic\WooCommerce\Blocks\Integrations\IntegrationInterface';
const SETIA_LOYALTY_MAX_COUPON_CHARS = 64;

/**
 * Hooks of the checkout element.
 */
function setia_loyalty_register_checkout_hooks() {
	if ( did_action( 'woocommerce_blocks_loaded' ) ) {
		setia_loyalty_blocks_loaded();
	} else {
		add_action( 'woocommerce_blocks_loaded', 'setia_loyalty_blocks_loaded' );
	}
	add_action( 'woocommerce_review_order_before_payment', 'setia_loyalty_render_classic_checkout' );
	add_filter( 'woocommerce_update_order_review_fragments', 'setia_loyalty_checkout_fragments' );
	add_action( 'wc_ajax_' . SETIA_LOYALTY_APPLY_ACTION, 'setia_loyalty_ajax_apply_coupon' );
}

/**
 * Once WooCommerce's blocks are loaded: the integration for both blocks, and the Store API data.
 */
function setia_loyalty_blocks_loaded() {
	if ( ! setia_loyalty_widget_configured() ) {
		return;
	}
	add_action( 'woocommerce_blocks_cart_block_registration', 'setia_loyalty_register_blocks_integration' );
	add_action( 'woocommerce_blocks_checkout_block_registration', 'setia_loyalty_register_blocks_integration' );
	if ( function_exists( 'woocommerce_store_api_register_endpoint_data' ) ) {
		woocommerce_store_api_register_endpoint_data(
			array(
				'endpoint'        => 'cart', // CartSchema::IDENTIFIER.
				'namespace'       => SETIA_LOYALTY_STORE_API_NS,
				'data_callback'   => 'setia_loyalty_store_api_cart_data',
				'schema_callback' => 'setia_loyalty_store_api_cart_schema',
				'schema_type'     => ARRAY_A,
			)
		);
	}
}

/**
 * Registers the integration with one block's registry (the cart's or the checkout's).
 *
 * @param object $registry The block's IntegrationRegistry.
 */
function setia_loyalty_register_blocks_integration( $registry ) {
	if ( ! interface_exists( SETIA_LOYALTY_INTEGRATION ) ) {
		return;
	}
	require_once SETIA_LOYALTY_DIR . 'class-setia-loyalty-blocks-integration.php';
	$registry->register( new Setia_Loyalty_Blocks_Integration() );
}

/**
 * Registers the script (plain JavaScript, no build step) under a handle with its dependencies.
 *
 * @param string   $handle       Script handle.
 * @param string[] $dependencies Handles it needs.
 */
function setia_loyalty_register_checkout_script( $handle, $dependencies ) {
	$src = plugins_url( 'assets/checkout.js', SETIA_LOYALTY_FILE );
	wp_register_script( $handle, $src, $dependencies, SETIA_LOYALTY_VERSION, true );
}

/**
 * The Widget API base the script calls: APP_URL/widget/v1/<public id>.
 *
 * @return string
 */
function setia_loyalty_widget_api_base() {
	return setia_loyalty_app_url() . '/widget/v1/' . rawurlencode( setia_loyalty_option( 'public_id' ) );
}

/**
 * The logged-in shopper's signed identity, as the storefront widget gets it; null for a guest.
 *
 * @return array{customer: string, ts: string, sig: string}|null
 */
function setia_loyalty_current_identity() {
	$attributes = setia_loyalty_current_attributes();
	if ( ! isset( $attributes['data-customer'] ) ) {
		return null;
	}
	return array(
		'customer' => $attributes['data-customer'],
		'ts'       => $attributes['data-ts'],
		'sig'      => $attributes['data-sig'],
	);
}

/**
 * Setia's earning basis of a cart, as the server computes it for the order: the line totals after
 * discounts, without shipping, fees and taxes, as a plain decimal.
 *
 * @param WC_Cart $cart The cart.
 * @return string
 */
function setia_loyalty_cart_basis( $cart ) {
	$basis = max( 0, (float) $cart->get_subtotal() - (float) $cart->get_discount_total() );
	return wc_format_decimal( $basis, wc_get_price_decimals() );
}

/**
 * What the element needs about the cart and the shopper (the Store API's `setia` data, and the
 * classic checkout's state). `subtotal` is what WooCommerce checks a coupon's minimum spend against.
 *
 * @param WC_Cart|null $cart The cart.
 * @return array<string, mixed>
 */
function setia_loyalty_checkout_data( $cart ) {
	return array(
		'public_id'      => setia_loyalty_option( 'public_id' ),
		'widget_api'     => setia_loyalty_widget_api_base(),
		'customer'       => setia_loyalty_current_identity(),
		'basis'          => $cart ? setia_loyalty_cart_basis( $cart ) : '0',
		'subtotal'       => $cart ? wc_format_decimal( $cart->get_displayed_subtotal(), wc_get_price_decimals() ) : '0',
		'needs_shipping' => $cart ? (bool) $cart->needs_shipping() : false,
	);
}

/**
 * The Store API cart's `extensions.setia`. The Store API answers other origins too (those that hold
 * a cart token): they get no signed shopper, which would let them read the balance and spend points.
 *
 * @return array<string, mixed>
 */
function setia_loyalty_store_api_cart_data() {
	$data = setia_loyalty_checkout_data( function_exists( 'WC' ) ? WC()->cart : null );
	if ( ! setia_loyalty_request_from_the_site() ) {
		$data['customer'] = null;
	}
	return $data;
}

/**
 * True for a request without an Origin header (a same-origin GET) or from one of the site's own
 * origins (is_allowed_http_origin: the home and admin URLs, as the filter `allowed_http_origins` says).
 *
 * @return bool
 */
function setia_loyalty_request_from_the_site() {
	$origin = (string) get_http_origin();
	return '' === $origin || '' !== (string) is_allowed_http_origin( $origin );
}

/**
 * Its schema.
 *
 * @return array<string, array<string, mixed>>
 */
function setia_loyalty_store_api_cart_schema() {
	$field = function ( $type, $description ) {
		return array(
			'description' => $description,
			'type'        => $type,
			'context'     => array( 'view', 'edit' ),
			'readonly'    => true,
		);
	};
	return array(
		'public_id'      => $field( 'string', 'The shop\'s Setia public id.' ),
		'widget_api'     => $field( 'string', 'Base URL of Setia\'s widget API for this shop.' ),
		'customer'       => $field( array( 'object', 'null' ), 'The logged-in shopper signed for the widget API (customer, ts, sig); null for a guest.' ),
		'basis'          => $field( 'string', 'The cart\'s earning basis: line totals after discounts, without shipping and taxes (decimal).' ),
		'subtotal'       => $field( 'string', 'The subtotal WooCommerce checks coupon minimums against (decimal).' ),
		'needs_shipping' => $field( 'boolean', 'Whether the cart needs shipping (a free-shipping reward is of use).' ),
	);
}

/**
 * Texts, language and endpoints of the script (the same for every cart).
 *
 * @return array<string, mixed>
 */
function setia_loyalty_checkout_config() {
	$locale = function_exists( 'determine_locale' ) ? determine_locale() : get_locale();
	return array(
		'language'    => setia_loyalty_checkout_language( $locale ),
		'texts'       => setia_loyalty_checkout_texts( $locale ),
		'sign_in_url' => wp_login_url(),
		'apply_url'   => WC_AJAX::get_endpoint( SETIA_LOYALTY_APPLY_ACTION ),
		'apply_nonce' => is_user_logged_in() ? wp_create_nonce( SETIA_LOYALTY_APPLY_ACTION ) : '',
	);
}

/**
 * One of the checkout texts in the site's language.
 *
 * @param string $key A key of setia_loyalty_checkout_texts().
 * @return string
 */
function setia_loyalty_checkout_text( $key ) {
	$texts = setia_loyalty_checkout_texts( function_exists( 'determine_locale' ) ? determine_locale() : get_locale() );
	return $texts[ $key ];
}

/**
 * The classic checkout's state: a hidden element WooCommerce's order review fragments replace.
 *
 * @param WC_Cart $cart The cart.
 * @return string
 */
function setia_loyalty_checkout_state_html( $cart ) {
	return '<div class="setia-loyalty-checkout-state" hidden data-state="' . esc_attr( wp_json_encode( setia_loyalty_checkout_data( $cart ) ) ) . '"></div>';
}

/**
 * Classic checkout: the element before the payment methods (printed once; not part of the AJAX
 * refresh), its state, and the script.
 */
function setia_loyalty_render_classic_checkout() {
	if ( ! setia_loyalty_widget_configured() || ! function_exists( 'WC' ) || ! WC()->cart ) {
		return;
	}
	setia_loyalty_register_checkout_script( SETIA_LOYALTY_CLASSIC_SCRIPT, array( 'jquery' ) );
	wp_add_inline_script( SETIA_LOYALTY_CLASSIC_SCRIPT, 'window.setiaLoyaltyCheckout = ' . wp_json_encode( setia_loyalty_checkout_config() ) . ';', 'before' );
	wp_enqueue_script( SETIA_LOYALTY_CLASSIC_SCRIPT );
	echo '<div class="setia-loyalty-checkout" data-setia-checkout="classic"></div>';
	echo setia_loyalty_checkout_state_html( WC()->cart ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above.
}

/**
 * After each classic checkout refresh (a code, a quantity, an address), the new state.
 *
 * @param array<string, string> $fragments Selector => HTML.
 * @return array<string, string>
 */
function setia_loyalty_checkout_fragments( $fragments ) {
	if ( setia_loyalty_widget_configured() && function_exists( 'WC' ) && WC()->cart ) {
		$fragments['div.setia-loyalty-checkout-state'] = setia_loyalty_checkout_state_html( WC()->cart );
	}
	return $fragments;
}

/**
 * POST ?wc-ajax=setia_loyalty_apply_coupon (security=<nonce>, code=<code>): applies a code the
 * signed-in shopper just redeemed to their cart. JSON {success, data: {code} | {message}}.
 */
function setia_loyalty_ajax_apply_coupon() {
	if ( ! check_ajax_referer( SETIA_LOYALTY_APPLY_ACTION, 'security', false ) ) {
		wp_send_json_error( array( 'message' => setia_loyalty_checkout_text( 'expired' ) ), 403 );
	}
	if ( ! is_user_logged_in() ) {
		wp_send_json_error( array( 'message' => setia_loyalty_checkout_text( 'signed_out' ) ), 403 );
	}
	$raw  = isset( $_POST['code'] ) && is_string( $_POST['code'] ) ? sanitize_text_field( wp_unslash( $_POST['code'] ) ) : '';
	$code = wc_format_coupon_code( $raw );
	$cart = WC()->cart;
	if ( '' === $code || strlen( $code ) > SETIA_LOYALTY_MAX_COUPON_CHARS || ! $cart ) {
		wp_send_json_error( array( 'message' => setia_loyalty_checkout_text( 'not_a_code' ) ), 400 );
	}
	if ( ! $cart->has_discount( $code ) && ! $cart->apply_coupon( $code ) ) {
		wp_send_json_error( array( 'message' => setia_loyalty_take_error_notices() ), 400 );
	}
	wc_clear_notices(); // the checkout shows the discount in its totals; no notice left for the next page
	wp_send_json_success( array( 'code' => $code ) );
}

/**
 * The error notices apply_coupon added (as plain text), removed from the session.
 *
 * @return string
 */
function setia_loyalty_take_error_notices() {
	$texts = array();
	foreach ( wc_get_notices( 'error' ) as $notice ) {
		$texts[] = trim( wp_strip_all_tags( is_array( $notice ) ? (string) $notice['notice'] : (string) $notice ) );
	}
	wc_clear_notices();
	$message = implode( ' ', array_filter( $texts ) );
	return '' === $message ? setia_loyalty_checkout_text( 'refused' ) : $message;
}

<?php
/**
 * Runs the WordPress plugin's real files (the main file, then its boot on plugins_loaded) with the
 * WordPress and WooCommerce functions they call stubbed, and prints what happened as JSON.
 * Used by tests/integration/test_woocommerce_checkout_plugin.py:
 *
 *     php tests/plugin_checkout_harness.php PLUGIN_DIR '{"scenario": ..., ...}'
 *
 * Scenarios: "blocks" (fire woocommerce_blocks_loaded and both blocks' registration, then read the
 * integration and the Store API extension), "classic" (the classic checkout hook and the order review
 * fragments), "ajax" (the wc-ajax coupon handler with $_POST). Input: options, user (0 = guest),
 * locale, origin (the request's Origin header), blocks (whether WooCommerce's blocks exist), cart {subtotal, discount, displayed, shipping,
 * valid_codes, applied}, post, nonce.
 */

// phpcs:ignoreFile -- a test harness, not plugin code.

define( 'ABSPATH', __DIR__ . '/' );
define( 'ARRAY_A', 'ARRAY_A' );

$input = json_decode( $argv[2], true );
$GLOBALS['input'] = $input;
$GLOBALS['hooks'] = array();
$GLOBALS['fired'] = array();
$GLOBALS['out'] = array( 'scripts' => array(), 'inline' => array(), 'enqueued' => array(), 'store_api' => array() );

if ( ! empty( $input['blocks'] ) ) {
	eval( 'namespace Automattic\WooCommerce\Blocks\Integrations; interface IntegrationInterface { public function get_name(); public function initialize(); public function get_script_handles(); public function get_editor_script_handles(); public function get_script_data(); }' );
}

// --- WordPress -----------------------------------------------------------------------------------
function add_action( $hook, $callback, $priority = 10, $args = 1 ) { $GLOBALS['hooks'][ $hook ][] = $callback; return true; }
function add_filter( $hook, $callback, $priority = 10, $args = 1 ) { $GLOBALS['hooks'][ $hook ][] = $callback; return true; }
function did_action( $hook ) { return isset( $GLOBALS['fired'][ $hook ] ) ? $GLOBALS['fired'][ $hook ] : 0; }
function fire( $hook, ...$args ) {
	$GLOBALS['fired'][ $hook ] = did_action( $hook ) + 1;
	foreach ( isset( $GLOBALS['hooks'][ $hook ] ) ? $GLOBALS['hooks'][ $hook ] : array() as $callback ) {
		call_user_func_array( $callback, $args );
	}
}
function apply( $hook, $value ) {
	foreach ( isset( $GLOBALS['hooks'][ $hook ] ) ? $GLOBALS['hooks'][ $hook ] : array() as $callback ) {
		$value = call_user_func( $callback, $value );
	}
	return $value;
}
function add_shortcode( $tag, $callback ) {}
function register_activation_hook( $file, $callback ) {}
function register_deactivation_hook( $file, $callback ) {}
function get_option( $name, $default = false ) { $o = $GLOBALS['input']['options']; return isset( $o[ $name ] ) ? $o[ $name ] : $default; }
function untrailingslashit( $value ) { return rtrim( $value, '/\\' ); }
function is_user_logged_in() { return 0 !== (int) $GLOBALS['input']['user']; }
function get_current_user_id() { return (int) $GLOBALS['input']['user']; }
function determine_locale() { return $GLOBALS['input']['locale']; }
function __( $text, $domain = 'default' ) { return $text; }
function esc_attr( $text ) { return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' ); }
function esc_html( $text ) { return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' ); }
function wp_json_encode( $data ) { return json_encode( $data ); }
function plugins_url( $path, $plugin ) { return 'https://shop.example.com/wp-content/plugins/' . basename( dirname( $plugin ) ) . '/' . $path; }
function wp_register_script( $handle, $src, $deps, $ver, $in_footer ) {
	if ( ! isset( $GLOBALS['out']['scripts'][ $handle ] ) ) {
		$GLOBALS['out']['scripts'][ $handle ] = array( 'src' => $src, 'deps' => $deps, 'in_footer' => $in_footer );
	}
	return true;
}
function wp_add_inline_script( $handle, $data, $position ) { $GLOBALS['out']['inline'][] = array( $handle, $data, $position ); }
function wp_enqueue_script( $handle ) { $GLOBALS['out']['enqueued'][] = $handle; }
function get_http_origin() { return isset( $GLOBALS['input']['origin'] ) ? $GLOBALS['input']['origin'] : ''; }
function is_allowed_http_origin( $origin ) { return in_array( $origin, array( 'https://shop.example.com', 'http://shop.example.com' ), true ) ? $origin : ''; }
function wp_login_url() { return 'https://shop.example.com/wp-login.php'; }
function wp_create_nonce( $action ) { return 'nonce-for-' . $action . '-' . get_current_user_id(); }
function check_ajax_referer( $action, $field, $die ) { return isset( $_POST[ $field ] ) && $_POST[ $field ] === wp_create_nonce( $action ); }
function wp_unslash( $value ) { return is_string( $value ) ? stripslashes( $value ) : $value; }
function sanitize_text_field( $value ) { return trim( preg_replace( '/[\r\n\t ]+/', ' ', strip_tags( (string) $value ) ) ); }
function wp_strip_all_tags( $text ) { return trim( strip_tags( $text ) ); }
function wp_send_json_success( $data ) { echo json_encode( array( 'answer' => array( 'success' => true, 'data' => $data ), 'status' => 200, 'cart' => $GLOBALS['cart']->applied, 'notices' => $GLOBALS['notices'] ) ); exit; }
function wp_send_json_error( $data, $status ) { echo json_encode( array( 'answer' => array( 'success' => false, 'data' => $data ), 'status' => $status, 'cart' => $GLOBALS['cart']->applied, 'notices' => $GLOBALS['notices'] ) ); exit; }

// --- WooCommerce -----------------------------------------------------------------------------------
class WooCommerce {}
class WC_AJAX { public static function get_endpoint( $request ) { return '/?wc-ajax=' . $request; } }
$GLOBALS['notices'] = array();
function wc_get_notices( $type ) { return isset( $GLOBALS['notices'][ $type ] ) ? $GLOBALS['notices'][ $type ] : array(); }
function wc_clear_notices() { $GLOBALS['notices'] = array(); }
function wc_format_coupon_code( $value ) { return strtolower( trim( html_entity_decode( $value ) ) ); }
function wc_get_price_decimals() { return 2; }
function wc_format_decimal( $number, $dp ) { return number_format( (float) $number, $dp, '.', '' ); }
class Cart {
	public $c;
	public $applied = array();
	public function __construct( $c ) { $this->c = $c; $this->applied = $c['applied']; }
	public function get_subtotal() { return $this->c['subtotal']; }
	public function get_discount_total() { return $this->c['discount']; }
	public function get_displayed_subtotal() { return $this->c['displayed']; }
	public function needs_shipping() { return $this->c['shipping']; }
	public function has_discount( $code ) { return in_array( $code, $this->applied, true ); }
	public function apply_coupon( $code ) {
		if ( ! in_array( $code, $this->c['valid_codes'], true ) ) {
			$GLOBALS['notices']['error'][] = array( 'notice' => 'Coupon "<strong>' . $code . '</strong>" does not exist!', 'data' => array() );
			return false;
		}
		$this->applied[] = $code;
		return true;
	}
}
$GLOBALS['cart'] = new Cart( $input['cart'] );
function WC() { return (object) array( 'cart' => $GLOBALS['cart'] ); }

class Registry {
	public $registered = array();
	public function register( $integration ) { $this->registered[] = $integration; return true; }
}
function woocommerce_store_api_register_endpoint_data( $args ) { $GLOBALS['out']['store_api'][] = $args; return true; }

// --- the plugin -----------------------------------------------------------------------------------
require $argv[1] . '/setia-loyalty.php';
fire( 'plugins_loaded' );
$out = &$GLOBALS['out'];
$out['hooked'] = array_keys( $GLOBALS['hooks'] );

if ( 'blocks' === $input['scenario'] ) {
	fire( 'woocommerce_blocks_loaded' );
	$integrations = array();
	foreach ( array( 'cart', 'checkout' ) as $block ) {
		$registry = new Registry();
		fire( 'woocommerce_blocks_' . $block . '_block_registration', $registry );
		foreach ( $registry->registered as $integration ) {
			$integration->initialize();
			$integrations[ $block ][] = array(
				'interface'      => $integration instanceof Automattic\WooCommerce\Blocks\Integrations\IntegrationInterface,
				'name'           => $integration->get_name(),
				'script_handles' => $integration->get_script_handles(),
				'editor_handles' => $integration->get_editor_script_handles(),
				'script_data'    => $integration->get_script_data(),
			);
		}
	}
	$out['integrations'] = $integrations;
	foreach ( $out['store_api'] as $i => $args ) {
		$out['store_api'][ $i ] = array(
			'endpoint'    => $args['endpoint'],
			'namespace'   => $args['namespace'],
			'schema_type' => $args['schema_type'],
			'schema'      => call_user_func( $args['schema_callback'] ),
			'data'        => call_user_func( $args['data_callback'] ),
		);
	}
} elseif ( 'classic' === $input['scenario'] ) {
	ob_start();
	fire( 'woocommerce_review_order_before_payment' );
	$out['printed']   = ob_get_clean();
	$out['fragments'] = apply( 'woocommerce_update_order_review_fragments', array( '.woocommerce-checkout-review-order-table' => '<table></table>' ) );
} elseif ( 'ajax' === $input['scenario'] ) {
	$_POST = $input['post'];
	fire( 'wc_ajax_setia_loyalty_apply_coupon' );
	$out['answer'] = null; // the handler always answers (and exits) before this
}
echo json_encode( $out );

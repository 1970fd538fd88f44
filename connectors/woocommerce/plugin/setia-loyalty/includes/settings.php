<?php
/**
 * The settings screen under WooCommerce → Setia: the Setia app URL, the shop's public id and its
 * secrets, and the "Connect to Setia" button that starts WooCommerce's key approval (wc-auth).
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

const SETIA_LOYALTY_CAPABILITY = 'manage_woocommerce';

/**
 * Hooks of the settings screen.
 */
function setia_loyalty_register_settings_hooks() {
	add_action( 'admin_menu', 'setia_loyalty_add_settings_page', 60 );
	add_action( 'admin_post_setia_loyalty_save', 'setia_loyalty_handle_save' );
	add_action( 'admin_post_setia_loyalty_connect', 'setia_loyalty_handle_connect' );
}

/**
 * WooCommerce → Setia.
 */
function setia_loyalty_add_settings_page() {
	add_submenu_page(
		'woocommerce',
		__( 'Setia Loyalty', 'setia-loyalty' ),
		__( 'Setia', 'setia-loyalty' ),
		SETIA_LOYALTY_CAPABILITY,
		'setia-loyalty',
		'setia_loyalty_render_settings_page'
	);
}

/**
 * The settings page URL, with an optional notice key.
 *
 * @param string $notice '' or a key of setia_loyalty_notices().
 * @return string
 */
function setia_loyalty_settings_url( $notice = '' ) {
	$url = admin_url( 'admin.php?page=setia-loyalty' );
	return '' === $notice ? $url : add_query_arg( 'setia-notice', $notice, $url );
}

/**
 * Notices the handlers redirect back with.
 *
 * @return array<string, string>
 */
function setia_loyalty_notices() {
	return array(
		'saved'       => __( 'Settings saved.', 'setia-loyalty' ),
		'invalid-url' => __( 'The Setia app URL must be an http(s) address.', 'setia-loyalty' ),
		'no-app-url'  => __( 'Enter the Setia app URL before connecting.', 'setia-loyalty' ),
	);
}

/**
 * Renders the settings page.
 */
function setia_loyalty_render_settings_page() {
	if ( ! current_user_can( SETIA_LOYALTY_CAPABILITY ) ) {
		wp_die( esc_html__( 'You do not have permission to access this page.', 'setia-loyalty' ) );
	}
	$notices = setia_loyalty_notices();
	// The notice key only selects one of our own fixed messages; nothing from it is printed.
	$notice = isset( $_GET['setia-notice'] ) ? sanitize_key( wp_unslash( $_GET['setia-notice'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
	echo '<div class="wrap"><h1>' . esc_html__( 'Setia Loyalty', 'setia-loyalty' ) . '</h1>';
	if ( isset( $notices[ $notice ] ) ) {
		$class = 'saved' === $notice ? 'notice-success' : 'notice-error';
		echo '<div class="notice ' . esc_attr( $class ) . '"><p>' . esc_html( $notices[ $notice ] ) . '</p></div>';
	}
	setia_loyalty_render_settings_form();
	setia_loyalty_render_connect_form();
	echo '</div>';
}

/**
 * The options form. Secret fields start empty: leaving one empty keeps the stored value.
 */
function setia_loyalty_render_settings_form() {
	echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
	echo '<input type="hidden" name="action" value="setia_loyalty_save">';
	wp_nonce_field( 'setia_loyalty_save' );
	echo '<table class="form-table" role="presentation">';
	setia_loyalty_render_text_row( 'app_url', __( 'Setia app URL', 'setia-loyalty' ), 'url', __( 'For example https://setia.example.com', 'setia-loyalty' ) );
	setia_loyalty_render_text_row( 'public_id', __( 'Public id', 'setia-loyalty' ), 'text', __( 'The shop\'s public id, shown by Setia when the store is connected.', 'setia-loyalty' ) );
	setia_loyalty_render_secret_row( 'widget_secret', __( 'Widget secret', 'setia-loyalty' ), __( 'Signs the logged-in customer for the widget. It stays on this server.', 'setia-loyalty' ) );
	setia_loyalty_render_secret_row( 'api_key', __( 'Merchant API key', 'setia-loyalty' ), __( 'Optional. Lets WordPress\'s personal data export and erasure tools reach Setia.', 'setia-loyalty' ) );
	echo '</table>';
	submit_button( __( 'Save settings', 'setia-loyalty' ) );
	echo '</form>';
}

/**
 * One plain option row.
 *
 * @param string $name  Option key.
 * @param string $label Label.
 * @param string $type  Input type.
 * @param string $help  Help text.
 */
function setia_loyalty_render_text_row( $name, $label, $type, $help ) {
	$id = 'setia-loyalty-' . $name;
	echo '<tr><th scope="row"><label for="' . esc_attr( $id ) . '">' . esc_html( $label ) . '</label></th><td>';
	echo '<input class="regular-text" type="' . esc_attr( $type ) . '" id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '" value="' . esc_attr( setia_loyalty_option( $name ) ) . '">';
	echo '<p class="description">' . esc_html( $help ) . '</p></td></tr>';
}

/**
 * One secret option row: shows only whether a value is stored and its last four characters.
 *
 * @param string $name  Option key.
 * @param string $label Label.
 * @param string $help  Help text.
 */
function setia_loyalty_render_secret_row( $name, $label, $help ) {
	$id     = 'setia-loyalty-' . $name;
	$stored = setia_loyalty_option( $name );
	$hint   = '' === $stored ? __( 'Not set', 'setia-loyalty' ) : setia_loyalty_mask( $stored );
	echo '<tr><th scope="row"><label for="' . esc_attr( $id ) . '">' . esc_html( $label ) . '</label></th><td>';
	echo '<input class="regular-text" type="password" autocomplete="off" id="' . esc_attr( $id ) . '" name="' . esc_attr( $name ) . '" value="" placeholder="' . esc_attr( $hint ) . '">';
	echo '<p class="description">' . esc_html( $help ) . ' ' . esc_html__( 'Leave empty to keep the stored value.', 'setia-loyalty' ) . '</p></td></tr>';
}

/**
 * The "Connect to Setia" button.
 */
function setia_loyalty_render_connect_form() {
	echo '<h2>' . esc_html__( 'Connect', 'setia-loyalty' ) . '</h2>';
	echo '<p>' . esc_html__( 'Setia asks WooCommerce for REST API keys; WooCommerce shows you what it asks for, and you approve or deny. Setia needs a public https address for this.', 'setia-loyalty' ) . '</p>';
	echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
	echo '<input type="hidden" name="action" value="setia_loyalty_connect">';
	wp_nonce_field( 'setia_loyalty_connect' );
	submit_button( __( 'Connect to Setia', 'setia-loyalty' ), 'primary', 'submit', false );
	echo '</form>';
}

/**
 * Checks the capability and the nonce of a form post.
 *
 * @param string $action Nonce action.
 */
function setia_loyalty_check_post( $action ) {
	if ( ! current_user_can( SETIA_LOYALTY_CAPABILITY ) ) {
		wp_die( esc_html__( 'You do not have permission to do this.', 'setia-loyalty' ), '', array( 'response' => 403 ) );
	}
	check_admin_referer( $action );
}

/**
 * Saves the options form.
 */
function setia_loyalty_handle_save() {
	setia_loyalty_check_post( 'setia_loyalty_save' );
	$app_url = isset( $_POST['app_url'] ) ? esc_url_raw( trim( wp_unslash( $_POST['app_url'] ) ), array( 'http', 'https' ) ) : '';
	if ( isset( $_POST['app_url'] ) && '' !== trim( wp_unslash( $_POST['app_url'] ) ) && '' === $app_url ) {
		wp_safe_redirect( setia_loyalty_settings_url( 'invalid-url' ) );
		exit;
	}
	setia_loyalty_save_option( 'app_url', untrailingslashit( $app_url ) );
	$public_id = isset( $_POST['public_id'] ) ? sanitize_text_field( wp_unslash( $_POST['public_id'] ) ) : '';
	setia_loyalty_save_option( 'public_id', $public_id );
	foreach ( SETIA_LOYALTY_SECRET_OPTIONS as $name ) {
		$value = isset( $_POST[ $name ] ) ? trim( sanitize_text_field( wp_unslash( $_POST[ $name ] ) ) ) : '';
		if ( '' !== $value ) {
			setia_loyalty_save_option( $name, $value );
		}
	}
	wp_safe_redirect( setia_loyalty_settings_url( 'saved' ) );
	exit;
}

/**
 * The connect URL on the Setia side: Setia then sends the merchant to WooCommerce's approval screen.
 *
 * @return string
 */
function setia_loyalty_connect_url() {
	return add_query_arg( 'store_url', rawurlencode( home_url() ), setia_loyalty_app_url() . '/auth/woocommerce/connect' );
}

/**
 * Sends the merchant to Setia's connect URL.
 */
function setia_loyalty_handle_connect() {
	setia_loyalty_check_post( 'setia_loyalty_connect' );
	if ( '' === setia_loyalty_app_url() ) {
		wp_safe_redirect( setia_loyalty_settings_url( 'no-app-url' ) );
		exit;
	}
	// The merchant chose this host in the settings: an external redirect on purpose.
	wp_redirect( esc_url_raw( setia_loyalty_connect_url() ) ); // phpcs:ignore WordPress.Security.SafeRedirect.wp_redirect_wp_redirect
	exit;
}

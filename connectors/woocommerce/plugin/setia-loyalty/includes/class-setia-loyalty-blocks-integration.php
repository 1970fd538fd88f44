<?php
/**
 * The integration WooCommerce's Cart and Checkout blocks load (IntegrationInterface): it registers
 * assets/checkout.js with the globals it uses (wp.plugins, wp.element, wp.data, wc.blocksCheckout,
 * wc.wcSettings) and hands it its texts and endpoints as the `setia-loyalty_data` setting.
 * Loaded only when WooCommerce's blocks, and so the interface, exist (see checkout.php).
 *
 * @package SetiaLoyalty
 */

defined( 'ABSPATH' ) || exit;

/**
 * Setia in the Cart and Checkout blocks.
 */
class Setia_Loyalty_Blocks_Integration implements \Automattic\WooCommerce\Blocks\Integrations\IntegrationInterface {

	/**
	 * The integration's name (its script data is `<name>_data`).
	 *
	 * @return string
	 */
	public function get_name() {
		return 'setia-loyalty';
	}

	/**
	 * Registers the script; called once per block that loads the integration.
	 */
	public function initialize() {
		setia_loyalty_register_checkout_script(
			SETIA_LOYALTY_BLOCKS_SCRIPT,
			array( 'wp-plugins', 'wp-element', 'wp-data', 'wc-blocks-checkout', 'wc-settings' )
		);
	}

	/**
	 * Scripts for the storefront.
	 *
	 * @return string[]
	 */
	public function get_script_handles() {
		return array( SETIA_LOYALTY_BLOCKS_SCRIPT );
	}

	/**
	 * Nothing in the editor: the fill shows live cart data only.
	 *
	 * @return string[]
	 */
	public function get_editor_script_handles() {
		return array();
	}

	/**
	 * The script's settings: texts, language, sign-in URL.
	 *
	 * @return array<string, mixed>
	 */
	public function get_script_data() {
		return setia_loyalty_checkout_config();
	}
}

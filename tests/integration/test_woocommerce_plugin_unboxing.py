"""The WordPress plugin's unboxing block (includes/unboxing.php) through its hooks, with the few
WordPress and WooCommerce functions it calls stubbed (as the other plugin tests do): the admin order
screen, the customer's order emails (HTML and plain text; never the shop's copy) and the packing
slip of "PDF Invoices & Packing Slips" (never its invoice) show the code, the scan link and its QR
code, read from the order meta Setia writes. Runs the real `php` binary."""

from __future__ import annotations

import json
import subprocess

from tests.integration.test_woocommerce_plugin import PLUGIN, php

# argv: plugin dir, the order's meta as JSON, then the hook to fire and its arguments as JSON.
HARNESS = """
define( 'ABSPATH', __DIR__ . '/' );
$GLOBALS['hooks'] = array();
function add_action( $name, $callback, $priority = 10, $args = 1 ) { $GLOBALS['hooks'][ $name ][] = $callback; }
function do_action( $name, ...$args ) { foreach ( $GLOBALS['hooks'][ $name ] ?? array() as $c ) { $c( ...$args ); } }
function esc_html( $t ) { return htmlspecialchars( (string) $t, ENT_QUOTES ); }
function esc_attr( $t ) { return htmlspecialchars( (string) $t, ENT_QUOTES ); }
function esc_html__( $t, $d = '' ) { return esc_html( $t ); }
function esc_attr__( $t, $d = '' ) { return esc_attr( $t ); }
function esc_url( $u ) { return htmlspecialchars( (string) $u, ENT_QUOTES ); }
function esc_url_raw( $u ) { return (string) $u; }
function home_url( $p = '' ) { return 'https://toko.example' . $p; }
function add_query_arg( $k, $v, $u ) { return $u . '?' . $k . '=' . $v; }
class WC_Order {
    public $meta;
    public function __construct( $meta ) { $this->meta = $meta; }
    public function get_meta( $key, $single = true ) { return $this->meta[ $key ] ?? ''; }
}
function wc_get_order( $id ) { global $order; return $order; }
require $argv[1] . '/includes/unboxing.php';
setia_loyalty_register_unboxing_hooks();
$order = new WC_Order( json_decode( $argv[2], true ) );
$args = json_decode( $argv[4], true );
$args = array_map( function ( $a ) use ( $order ) { return '@order' === $a ? $order : $a; }, $args );
do_action( $argv[3], ...$args );
"""
CODE = "SETIA-AB12-CD34"
SCAN = "https://setia.example/u/AbCdEfGhIjKl"
META = {
    "_setia_unboxing_coupon": CODE,
    "_setia_unboxing_url": SCAN,
    "_setia_unboxing_qr": SCAN + "/qr.png",
}


def fire(hook: str, args: list, meta: dict | None = None) -> str:
    result = subprocess.run(  # noqa: S603 (our own harness and arguments)
        [php(), "-r", HARNESS, str(PLUGIN), json.dumps(META if meta is None else meta), hook, json.dumps(args)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout


def test_the_packing_slip_shows_the_code_and_qr_code_and_the_invoice_does_not() -> None:
    slip = fire("wpo_wcpdf_after_order_details", ["packing-slip", "@order"])
    assert f'<strong style="font-size:16pt;">{CODE}</strong>' in slip
    assert f'<img class="setia-loyalty-qr" src="{SCAN}/qr.png" width="120" height="120"' in slip
    assert fire("wpo_wcpdf_after_order_details", ["invoice", "@order"]) == ""
    assert fire("wpo_wcpdf_after_order_details", ["packing-slip", "@order"], meta={}) == ""


def test_customer_emails_show_the_code_qr_and_scan_link_and_the_shops_copy_does_not() -> None:
    html = fire("woocommerce_email_order_meta", ["@order", False, False, None])
    assert f"<strong>{CODE}</strong>" in html and f'<a href="{SCAN}">Use it now</a>' in html
    assert f'src="{SCAN}/qr.png" width="150"' in html
    plain = fire("woocommerce_email_order_meta", ["@order", False, True, None])
    assert plain == f"\nA gift for your next order. Your coupon code: {CODE}\n{SCAN}\n\n"
    assert fire("woocommerce_email_order_meta", ["@order", True, False, None]) == ""
    # an order Setia wrote only a code for (before cards existed): the store's coupon link, no image
    old = fire("woocommerce_email_order_meta", ["@order", False, False, None], meta={"_setia_unboxing_coupon": CODE})
    assert f'href="https://toko.example/?coupon={CODE}"' in old and "<img" not in old


def test_the_admin_order_screen_shows_the_code_scan_link_and_qr_code() -> None:
    admin = fire("woocommerce_admin_order_data_after_order_details", ["@order"])
    assert f"Setia unboxing coupon:</strong> {CODE}" in admin
    assert f'<a href="{SCAN}" target="_blank" rel="noopener">' in admin and f'src="{SCAN}/qr.png"' in admin


def test_only_web_links_from_the_meta_are_shown() -> None:
    hostile = {**META, "_setia_unboxing_url": "javascript:alert(1)", "_setia_unboxing_qr": 'x" onerror="alert(1)'}
    admin = fire("woocommerce_admin_order_data_after_order_details", ["@order"], meta=hostile)
    assert "javascript:" not in admin and "onerror" not in admin and CODE in admin
    escaped = fire(
        "woocommerce_admin_order_data_after_order_details", ["@order"], meta={"_setia_unboxing_coupon": "<b>X</b>"}
    )
    assert "<b>X</b>" not in escaped and "&lt;b&gt;X&lt;/b&gt;" in escaped

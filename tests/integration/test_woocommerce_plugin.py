"""The WordPress plugin (connectors/woocommerce/plugin/setia-loyalty/) against the app: the script
attributes its PHP renders for a logged-in customer open the widget API, a tampered one does not,
and every plugin file is valid PHP. Runs the real `php` binary; CI installs php-cli."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from connectors.base import Customer
from integrator.loyalty.members import adjust_points, enroll
from integrator.loyalty.shops import connect_shop
from integrator.widget_api.identity import sign_shopper

PLUGIN = Path(__file__).resolve().parents[2] / "connectors" / "woocommerce" / "plugin" / "setia-loyalty"
STORE_URL = "https://shop.example.com"

# Includes the plugin's identity code exactly as the plugin does, then prints the script tag's
# attributes for argv: public id, customer, ts, secret (the secret reaches PHP, never the output).
HARNESS = """
define( 'ABSPATH', __DIR__ . '/' );
require $argv[1] . '/includes/identity.php';
$attributes = setia_loyalty_identity_attributes( $argv[2], $argv[3], $argv[4], $argv[5] );
echo '<script src="x"' . setia_loyalty_attributes_html( $attributes ) . ' defer></script>';
"""


# The storefront filter itself, with the few WordPress functions it calls stubbed: argv = customer
# (0 for a guest), then the tag WordPress printed.
STOREFRONT_HARNESS = """
define( 'ABSPATH', __DIR__ . '/' );
function get_option( $name, $default = false ) {
    $options = array( 'setia_loyalty_app_url' => 'https://setia.test/', 'setia_loyalty_public_id' => 'pub123',
        'setia_loyalty_widget_secret' => 's3cret' );
    return isset( $options[ $name ] ) ? $options[ $name ] : $default;
}
function untrailingslashit( $value ) { return rtrim( $value, '/' ); }
function is_user_logged_in() { global $argv; return '0' !== $argv[2]; }
function get_current_user_id() { global $argv; return (int) $argv[2]; }
require $argv[1] . '/includes/identity.php';
require $argv[1] . '/includes/options.php';
require $argv[1] . '/includes/storefront.php';
echo setia_loyalty_script_tag( $argv[3], 'setia-loyalty' );
"""


def php() -> str:
    found = shutil.which("php")
    if found:
        return found
    if "1" in (os.environ.get("CI_REQUIRE_PHP"), os.environ.get("REQUIRE_BROWSER")):
        pytest.fail("php is not installed, and CI_REQUIRE_PHP/REQUIRE_BROWSER=1 requires it (apt-get install php-cli)")
    pytest.skip("php is not installed (apt-get install php-cli)")


class ScriptAttributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.attributes = dict(attrs)


def render_script_tag(public_id: str, customer: str, ts: int, secret: str) -> dict[str, str | None]:
    result = subprocess.run(  # noqa: S603 (our own harness and arguments)
        [php(), "-r", HARNESS, str(PLUGIN), public_id, customer, str(ts), secret],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert secret not in result.stdout
    parser = ScriptAttributes()
    parser.feed(result.stdout)
    return parser.attributes


@pytest.fixture()
def store(app: Flask) -> dict[str, Any]:
    """A WooCommerce store whose customer 42 is a member with 120 points."""
    db = app.extensions["setia_db"]
    box = app.extensions["setia_box"]
    with db.session() as session:
        shop, _ = connect_shop(session, box, "woocommerce", STORE_URL, "ck_test:cs_test", "whsec", "rest_keys")
        shop.currency = "USD"
        shop.settings = {}
        member = enroll(session, shop, Customer("42", "ana@example.com", "Ana"))
        adjust_points(session, member, 120, "welcome", "plugin-test", "test")
        return {"public_id": shop.public_id, "secret": box.decrypt(shop.widget_secret_enc)}


def me(client: FlaskClient, public_id: str, attributes: dict[str, str | None]) -> Any:
    query = {"customer": attributes["data-customer"], "ts": attributes["data-ts"], "sig": attributes["data-sig"]}
    return client.get(f"/widget/v1/{public_id}/me", query_string=query)


def test_plugin_signed_customer_gets_balances_from_the_widget_api(client: FlaskClient, store: dict[str, Any]) -> None:
    ts = int(time.time())
    attributes = render_script_tag(store["public_id"], "42", ts, store["secret"])
    assert attributes["data-shop"] == store["public_id"]
    assert attributes["data-customer"] == "42"
    assert attributes["data-ts"] == str(ts)
    assert "defer" in attributes
    response = me(client, store["public_id"], attributes)
    assert response.status_code == 200
    assert response.json["member"] is True
    assert response.json["balances"]["points_available"] == 120
    assert response.json["balances"]["lifetime_points"] == 120


def test_tampered_plugin_signature_is_refused(client: FlaskClient, store: dict[str, Any]) -> None:
    attributes = render_script_tag(store["public_id"], "42", int(time.time()), store["secret"])
    sig = str(attributes["data-sig"])
    attributes["data-sig"] = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    response = me(client, store["public_id"], attributes)
    assert response.status_code == 401
    assert "balances" not in response.json


def test_plugin_signature_for_one_customer_does_not_open_another(client: FlaskClient, store: dict[str, Any]) -> None:
    attributes = render_script_tag(store["public_id"], "43", int(time.time()), store["secret"])
    attributes["data-customer"] = "42"
    assert me(client, store["public_id"], attributes).status_code == 401


def test_guest_gets_only_the_shop_attribute(store: dict[str, Any]) -> None:
    attributes = render_script_tag(store["public_id"], "0", int(time.time()), store["secret"])
    assert attributes == {"src": "x", "data-shop": store["public_id"], "defer": None}


def run_storefront_filter(customer: str, tag: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own harness and arguments)
        [php(), "-r", STOREFRONT_HARNESS, str(PLUGIN), customer, tag],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout


@pytest.mark.parametrize(
    "printed",
    [
        # WordPress >= 6.3 with strategy "defer", and an older one (the filter adds defer itself).
        '<script src="https://setia.test/widgets/loyalty.js" id="setia-loyalty-js" defer data-wp-strategy="defer">'
        "</script>",
        "<script src='https://setia.test/widgets/loyalty.js' id='setia-loyalty-js'></script>",
    ],
)
def test_storefront_filter_signs_a_logged_in_customer_with_the_stored_secret(printed: str) -> None:
    tag = run_storefront_filter("42", printed)
    parser = ScriptAttributes()
    parser.feed(tag)
    attributes = parser.attributes
    assert attributes["src"] == "https://setia.test/widgets/loyalty.js"
    assert attributes["data-shop"] == "pub123"
    assert attributes["data-customer"] == "42"
    ts = str(attributes["data-ts"])
    assert abs(int(ts) - time.time()) < 60
    assert attributes["data-sig"] == sign_shopper("s3cret", "42", ts)
    assert "defer" in attributes
    assert len(re.findall(r"\sdefer[\s>]", tag)) == 1
    assert "s3cret" not in tag


def test_storefront_filter_gives_a_guest_only_the_shop() -> None:
    tag = run_storefront_filter("0", '<script src="https://setia.test/widgets/loyalty.js" defer></script>')
    parser = ScriptAttributes()
    parser.feed(tag)
    assert parser.attributes == {"data-shop": "pub123", "src": "https://setia.test/widgets/loyalty.js", "defer": None}


def test_attribute_values_are_escaped() -> None:
    attributes = render_script_tag('x" onload="alert(1)', "42", 1700000000, "secret")
    assert attributes["data-shop"] == 'x" onload="alert(1)'
    assert "onload" not in attributes


def test_every_plugin_file_is_valid_php() -> None:
    files = sorted(PLUGIN.rglob("*.php"))
    assert len(files) >= 5
    for path in files:
        result = subprocess.run([php(), "-l", str(path)], capture_output=True, text=True, timeout=30)  # noqa: S603
        assert result.returncode == 0, f"{path}: {result.stdout}{result.stderr}"


def test_plugin_files_refuse_direct_access() -> None:
    for path in sorted(PLUGIN.rglob("*.php")):
        text = path.read_text()
        assert "defined( 'ABSPATH' ) || exit;" in text or "defined( 'WP_UNINSTALL_PLUGIN' ) || exit;" in text, path


def test_make_plugin_builds_the_zip(tmp_path: Path) -> None:
    import zipfile

    build = PLUGIN.parent / "build.py"
    subprocess.run([sys.executable, str(build), str(tmp_path / "setia-loyalty.zip")], check=True, timeout=60)  # noqa: S603
    names = zipfile.ZipFile(tmp_path / "setia-loyalty.zip").namelist()
    assert "setia-loyalty/setia-loyalty.php" in names
    assert "setia-loyalty/includes/identity.php" in names
    assert all(name.startswith("setia-loyalty/") for name in names)


# The coupon link handler with the WordPress and WooCommerce functions it calls stubbed: argv = the
# `checkout-link` query var ('' on any other page), then the ?coupon= value. Prints what it did.
COUPON_LINK_HARNESS = """
define( 'ABSPATH', __DIR__ . '/' );
$_GET['coupon'] = $argv[3];
function get_query_var( $name ) { global $argv; return 'checkout-link' === $name ? $argv[2] : ''; }
function is_admin() { return false; }
function wp_doing_ajax() { return false; }
function wp_unslash( $value ) { return $value; }
function sanitize_text_field( $value ) { return trim( $value ); }
function wc_format_coupon_code( $value ) { return strtolower( $value ); }
function wc_get_cart_url() { return 'https://shop.example.com/cart/'; }
function remove_query_arg( $key, $url ) { return $url; }
function wp_safe_redirect( $url ) { echo "redirect $url\\n"; }
class Cart {
    public function is_empty() { return false; }
    public function has_discount( $code ) { return false; }
    public function apply_coupon( $code ) { echo "applied $code\\n"; }
}
class Session { public function has_session() { return true; } }
function WC() { return (object) array( 'cart' => new Cart(), 'session' => new Session() ); }
require $argv[1] . '/includes/coupon-link.php';
setia_loyalty_handle_coupon_link();
echo "left alone\\n";
"""


def run_coupon_link(checkout_link: str, code: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own harness and arguments)
        [php(), "-r", COUPON_LINK_HARNESS, str(PLUGIN), checkout_link, code],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout


def test_coupon_link_applies_the_code_and_opens_the_cart() -> None:
    assert (
        run_coupon_link("", "SETIA-AB12-CD34") == "applied setia-ab12-cd34\nredirect https://shop.example.com/cart/\n"
    )


def test_coupon_link_leaves_woocommerces_own_checkout_link_alone() -> None:
    """/checkout-link/?products=...&coupon=... is WooCommerce's (template_redirect, priority 10): the
    plugin's handler (priority 5) must neither apply the code nor redirect to the cart first."""
    assert run_coupon_link("true", "SETIA-AB12-CD34") == "left alone\n"


# The [setia_programme] shortcode with the WordPress functions it calls stubbed: wp_remote_get answers
# with the page the app served (argv[2], a file), the transient is empty. The kses stub keeps the
# markup as is (WordPress's own filter only removes what the page does not have).
PROGRAMME_HARNESS = """
define( 'ABSPATH', __DIR__ . '/' );
function get_option( $name, $default = false ) {
    $options = array( 'setia_loyalty_app_url' => 'https://setia.test/', 'setia_loyalty_public_id' => 'pub123' );
    return isset( $options[ $name ] ) ? $options[ $name ] : $default;
}
function untrailingslashit( $value ) { return rtrim( $value, '/' ); }
function get_transient( $key ) { return false; }
function set_transient( $key, $value, $seconds ) { fwrite( STDERR, "cached $seconds\\n" ); return true; }
function wp_remote_get( $url, $args ) {
    global $argv;
    fwrite( STDERR, "GET $url\\n" );
    return array( 'code' => 200, 'body' => file_get_contents( $argv[2] ) );
}
function is_wp_error( $value ) { return false; }
function wp_remote_retrieve_response_code( $response ) { return $response['code']; }
function wp_remote_retrieve_body( $response ) { return $response['body']; }
function wp_strip_all_tags( $text ) { return strip_tags( $text ); }
function wp_kses_post( $html ) { return $html; }
function add_shortcode( $tag, $callback ) {}
require $argv[1] . '/includes/options.php';
require $argv[1] . '/includes/programme.php';
echo setia_loyalty_programme_shortcode();
"""


def test_the_programme_shortcode_prints_the_apps_programme_page(
    client: FlaskClient, store: dict[str, Any], tmp_path: Path
) -> None:
    page = client.get(f"/widget/v1/{store['public_id']}/programme")
    assert page.status_code == 200
    served = tmp_path / "programme.html"
    served.write_bytes(page.data)
    result = subprocess.run(  # noqa: S603 (our own harness and arguments)
        [php(), "-r", PROGRAMME_HARNESS, str(PLUGIN), str(served)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert "GET https://setia.test/widget/v1/pub123/programme" in result.stderr
    assert "cached 300" in result.stderr
    html = result.stdout
    assert html.startswith("<style>") and '<main class="setia-programme">' in html
    assert "Ways to earn" in html and "How do I join?" in html
    assert "<html" not in html and "<head" not in html and "<body" not in html

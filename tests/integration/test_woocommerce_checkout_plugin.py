"""The WordPress plugin at checkout (includes/checkout.php), its real files run by the real `php` with
WordPress and WooCommerce stubbed (tests/plugin_checkout_harness.php): the integration registers for
both the Cart and the Checkout block, the Store API cart carries Setia's data under `setia` (whose
signed shopper opens the real widget API), the classic checkout prints the element and refreshes its
state with the order review fragments, and the wc-ajax handler applies a code only with a good nonce
for a signed-in shopper."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from connectors.woocommerce.mapping import to_order
from tests.integration.test_woocommerce_plugin import PLUGIN, php, store  # noqa: F401 (a fixture)
from tests.woocommerce_deliveries import fixture

HARNESS = Path(__file__).resolve().parents[1] / "plugin_checkout_harness.php"
BLOCKS_SCRIPT = "setia-loyalty-checkout-blocks"
NONCE_42 = "nonce-for-setia_loyalty_apply_coupon-42"  # what the stubbed wp_create_nonce gives user 42
# 200.00 of products, 18.91 off with a coupon: 181.09 earns; 220.00 is the subtotal with tax as shown.
CART = {
    "subtotal": 200.0,
    "discount": 18.91,
    "displayed": 220.0,
    "shipping": True,
    "valid_codes": ["setia-ab12-cd34"],
    "applied": [],
}


def run(scenario: str, options: dict[str, str], user: int = 42, **extra: Any) -> dict[str, Any]:
    order = {"scenario": scenario, "options": options, "user": user, "locale": "en_US", "blocks": True, "cart": CART}
    order.update(extra)
    done = subprocess.run(  # noqa: S603 (our own harness and arguments)
        [php(), str(HARNESS), str(PLUGIN), json.dumps(order)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0 and done.stderr == "", done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def options_of(shop: dict[str, Any]) -> dict[str, str]:
    return {
        "setia_loyalty_app_url": "https://setia.test/",
        "setia_loyalty_public_id": shop["public_id"],
        "setia_loyalty_widget_secret": shop["secret"],
    }


OPTIONS = {"setia_loyalty_app_url": "https://setia.test", "setia_loyalty_public_id": "pub123"}


def test_the_integration_registers_for_both_blocks_and_the_store_api_cart_carries_setias_data(
    client: FlaskClient,
    store: dict[str, Any],  # noqa: F811 (the fixture)
) -> None:
    out = run("blocks", options_of(store), locale="id_ID")
    for block in ("cart", "checkout"):
        [integration] = out["integrations"][block]
        assert integration["interface"] is True
        assert integration["name"] == "setia-loyalty"
        assert integration["script_handles"] == [BLOCKS_SCRIPT]
        assert integration["editor_handles"] == []
        data = integration["script_data"]
        assert data["language"] == "id"
        assert data["texts"]["use"] == "Pakai poin Anda"
        assert data["sign_in_url"] == "https://shop.example.com/wp-login.php"
    script = out["scripts"][BLOCKS_SCRIPT]
    assert script["src"].endswith("/setia-loyalty/assets/checkout.js") and script["in_footer"] is True
    assert {"wp-plugins", "wp-element", "wp-data", "wc-blocks-checkout"} <= set(script["deps"])

    [extension] = out["store_api"]
    assert (extension["endpoint"], extension["namespace"], extension["schema_type"]) == ("cart", "setia", "ARRAY_A")
    data = extension["data"]
    assert set(extension["schema"]) == set(data)
    assert data["public_id"] == store["public_id"]
    assert data["widget_api"] == f"https://setia.test/widget/v1/{store['public_id']}"
    assert (data["basis"], data["subtotal"], data["needs_shipping"]) == ("181.09", "220.00", True)
    # The signed shopper opens the real widget API, as the storefront widget's does.
    identity = data["customer"]
    assert identity["customer"] == "42" and store["secret"] not in json.dumps(out)
    me = client.get(f"/widget/v1/{store['public_id']}/me", query_string=identity)
    assert me.status_code == 200
    assert me.json["balances"]["points_available"] == 120


@pytest.mark.parametrize(
    "name",
    ["order.created__processing_customer_coupon", "order.created__processing_guest", "order.updated__wc10_delivery"],
)
def test_the_carts_basis_is_the_basis_setia_computes_for_the_order(name: str) -> None:
    """A cart holding a real order's lines and discount: the plugin's basis equals what Setia's
    WooCommerce mapping reads from that order's webhook (line totals after coupons, no shipping or tax)."""
    order = fixture(name)
    cart = {
        **CART,
        "subtotal": float(sum(Decimal(line["subtotal"]) for line in order["line_items"])),
        "discount": float(Decimal(order["discount_total"])),
    }
    [extension] = run("blocks", OPTIONS, cart=cart)["store_api"]
    assert Decimal(extension["data"]["basis"]) == to_order(order).basis


def test_a_guest_gets_no_identity_and_no_nonce() -> None:
    out = run("blocks", {**OPTIONS, "setia_loyalty_widget_secret": "s3cret"}, user=0)
    [extension] = out["store_api"]
    assert extension["data"]["customer"] is None
    [integration] = out["integrations"]["checkout"]
    assert integration["script_data"]["apply_nonce"] == ""
    assert integration["script_data"]["language"] == "en"
    assert integration["script_data"]["texts"]["guest"] == "With an account this order earns {points}."


@pytest.mark.parametrize(
    ("origin", "signed"), [("", True), ("https://shop.example.com", True), ("https://evil.example", False)]
)
def test_another_origin_reading_the_store_api_cart_gets_no_signed_shopper(origin: str, signed: bool) -> None:
    """WooCommerce answers other origins holding a cart token; the identity would open the balance
    and spend points, so only the site's own pages (no Origin header, or the site's) get it."""
    out = run("blocks", {**OPTIONS, "setia_loyalty_widget_secret": "s3cret"}, origin=origin)
    [extension] = out["store_api"]
    assert (extension["data"]["customer"] is not None) is signed
    assert extension["data"]["basis"] == "181.09"


def test_nothing_registers_until_the_plugin_is_configured_or_without_blocks() -> None:
    out = run("blocks", {"setia_loyalty_app_url": "https://setia.test"})  # no public id yet
    assert not out["integrations"] and out["store_api"] == [] and not out["scripts"]  # PHP's empty array: []
    older = run("blocks", OPTIONS, blocks=False)  # a WooCommerce without the blocks' interface
    assert not older["integrations"] and not older["scripts"]
    assert "woocommerce_review_order_before_payment" in older["hooked"]


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append({"tag": tag, **dict(attrs)})


def elements(html: str) -> list[dict[str, str | None]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


def test_the_classic_checkout_prints_the_element_its_state_and_the_script() -> None:
    out = run("classic", {**OPTIONS, "setia_loyalty_widget_secret": "s3cret"}, locale="id_ID")
    root, state = elements(out["printed"])
    assert root["data-setia-checkout"] == "classic"
    assert state["class"] == "setia-loyalty-checkout-state" and "hidden" in state
    data = json.loads(str(state["data-state"]))
    assert (data["basis"], data["customer"]["customer"]) == ("181.09", "42")
    assert out["enqueued"] == ["setia-loyalty-checkout-classic"]
    [(handle, inline, position)] = out["inline"]
    assert (handle, position) == ("setia-loyalty-checkout-classic", "before")
    config = json.loads(inline.removeprefix("window.setiaLoyaltyCheckout = ").removesuffix(";"))
    assert config["apply_url"] == "/?wc-ajax=setia_loyalty_apply_coupon"
    assert config["apply_nonce"] == NONCE_42
    assert config["texts"]["earn"] == "Anda akan mendapatkan {points} dari pesanan ini."
    # Every refresh of the order review (a code, a quantity) replaces the state with the cart's new one.
    [fresh] = elements(out["fragments"]["div.setia-loyalty-checkout-state"])
    assert json.loads(str(fresh["data-state"]))["basis"] == "181.09"
    assert out["fragments"][".woocommerce-checkout-review-order-table"] == "<table></table>"  # others kept


def test_the_classic_checkout_prints_nothing_unconfigured() -> None:
    out = run("classic", {"setia_loyalty_app_url": "https://setia.test"})
    assert out["printed"] == "" and out["enqueued"] == []
    assert "div.setia-loyalty-checkout-state" not in out["fragments"]


def apply(post: dict[str, Any], user: int = 42, applied: list[str] | None = None) -> dict[str, Any]:
    return run("ajax", OPTIONS, user=user, post=post, cart={**CART, "applied": applied or []})


def test_the_ajax_handler_applies_a_code_to_the_signed_in_shoppers_cart() -> None:
    out = apply({"security": NONCE_42, "code": " SETIA-AB12-CD34 "})
    assert out["status"] == 200 and out["answer"] == {"success": True, "data": {"code": "setia-ab12-cd34"}}
    assert out["cart"] == ["setia-ab12-cd34"]
    again = apply({"security": NONCE_42, "code": "SETIA-AB12-CD34"}, applied=["setia-ab12-cd34"])
    assert again["status"] == 200 and again["cart"] == ["setia-ab12-cd34"]  # not applied twice


@pytest.mark.parametrize(
    ("post", "user", "status"),
    [
        ({"security": "forged", "code": "SETIA-AB12-CD34"}, 42, 403),
        ({"code": "SETIA-AB12-CD34"}, 42, 403),
        ({"security": "nonce-for-setia_loyalty_apply_coupon-0", "code": "SETIA-AB12-CD34"}, 0, 403),  # a guest
        ({"security": NONCE_42, "code": ""}, 42, 400),
        ({"security": NONCE_42, "code": ["SETIA-AB12-CD34"]}, 42, 400),
        ({"security": NONCE_42, "code": "X" * 65}, 42, 400),
    ],
)
def test_the_ajax_handler_refuses_without_a_nonce_a_shopper_or_a_code(post: dict[str, Any], user: int, status: int):
    out = apply(post, user=user)
    assert out["status"] == status and out["answer"]["success"] is False
    assert out["answer"]["data"]["message"]
    assert out["cart"] == []


def test_the_ajax_handlers_own_refusals_speak_the_sites_language() -> None:
    out = run("ajax", OPTIONS, user=42, locale="id_ID", post={"security": "forged", "code": "X"})
    assert out["answer"]["data"]["message"] == "Halaman ini sudah kedaluwarsa. Muat ulang halaman."
    out = run("ajax", OPTIONS, user=42, locale="id_ID", post={"security": NONCE_42, "code": ""})
    assert out["answer"]["data"]["message"] == "Itu bukan kode kupon."


def test_the_ajax_handler_says_why_woocommerce_refused_the_code() -> None:
    out = apply({"security": NONCE_42, "code": "SETIA-NOPE-NOPE"})
    assert out["status"] == 400 and out["cart"] == []
    assert out["answer"]["data"]["message"] == 'Coupon "setia-nope-nope" does not exist!'  # tags stripped
    assert out["notices"] == []  # taken, not left for the next page


def test_the_plugin_zip_carries_the_checkout_script(tmp_path: Path) -> None:
    build = PLUGIN.parent / "build.py"
    subprocess.run([sys.executable, str(build), str(tmp_path / "p.zip")], check=True, timeout=60)  # noqa: S603
    names = zipfile.ZipFile(tmp_path / "p.zip").namelist()
    assert "setia-loyalty/assets/checkout.js" in names
    assert "setia-loyalty/includes/class-setia-loyalty-blocks-integration.php" in names

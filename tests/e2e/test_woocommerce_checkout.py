"""The WordPress plugin's checkout script (assets/checkout.js) in Chromium on a page that stands in
for WooCommerce: the Cart/Checkout blocks' globals on the real React 18 WordPress ships as wp.element
(wp.plugins, wp.data's cart store and wc.blocksCheckout's ExperimentalOrderMeta stubbed as a slot
that hands its fill the cart's extensions), or the classic checkout's element. Its settings and the
cart's `setia` data are what the plugin's PHP prints (tests/plugin_checkout_harness.php); the widget
API is the real app with a seeded WooCommerce store (the estimate route too: its answers are checked
against a calculation made here). Applying a code succeeds only once the fake store has that coupon.
Last, the classic cart's element (the widget's cart.js in the plugin's `<div data-setia="cart">`)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from decimal import ROUND_DOWN, Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from integrator.loyalty.models import Shop
from tests.conftest import REDIS_URL, Api, drain
from tests.fake_woocommerce import FakeWooCommerce, fake_woocommerce
from tests.integration.test_rewards_and_redemptions import signed
from tests.integration.test_woocommerce_checkout_plugin import run
from tests.integration.test_woocommerce_plugin import PLUGIN
from tests.woocommerce_deliveries import connected_store, deliver_to, fixture

from .accessibility import axe_violations, node_modules
from .storefront import Storefront, script_tag, shoot, storefront_fixture, wait_text  # noqa: F401 (a fixture)

PLUGIN_SCRIPT = "/wp-content/plugins/setia-loyalty/assets/checkout.js"
CASHBACK_PERCENT = Decimal(2)
SLOT = "#slot"
CART_ELEMENT = "[data-setia=cart]"

# The checkout page: WordPress's React and the globals the Cart and Checkout blocks define, stubbed
# as small as the script needs. A fill registered with scope woocommerce-checkout is rendered in the
# order summary's slot with {cart, extensions, context}; a new cart re-renders it.
BLOCKS_PAGE = """<!doctype html><html lang="{lang}"><head><title>Checkout</title></head><body><main>
<h1>Checkout</h1><section aria-label="Order summary"><p id="totals">Subtotal $200.00<span id="discount"></span></p>
<div id="slot"></div></section></main>
<script src="/wp-includes/js/dist/vendor/react.min.js"></script>
<script src="/wp-includes/js/dist/vendor/react-dom.min.js"></script>
<script>
  window.registered = []; window.applied = [];
  window.cart = {{extensions: {{setia: {setia}}}, needsShipping: true}};
  const settings = {settings};
  window.wp = {{
    element: {{createElement: React.createElement, Fragment: React.Fragment, useEffect: React.useEffect,
      useRef: React.useRef, useState: React.useState, createRoot: ReactDOM.createRoot}},
    plugins: {{registerPlugin: (name, options) => window.registered.push({{name, options}})}},
    data: {{dispatch: (store) => store === "wc/store/cart" ? {{
      applyCoupon: async (code) => {{
        const answer = await window.storeApplies(code);  // the fake store: does it know this code?
        if (!answer.ok) throw new Error(answer.message);
        window.applied.push(code);
        document.getElementById("discount").textContent = " · Discount -" + answer.discount;
        window.setCart({{...window.cart.extensions.setia, basis: answer.basis}});
        return true;
      }}}} : null}},
  }};
  window.wc = {{
    wcSettings: {{getSetting: (name, fallback) => name === "setia-loyalty_data" ? settings : fallback}},
    blocksCheckout: {{ExperimentalOrderMeta: ({{children}}) => React.Children.map(children, (child) =>
      React.cloneElement(child, {{cart: window.cart, extensions: window.cart.extensions,
        context: "woocommerce/checkout"}}))}},
  }};
</script>
<script src="{plugin_script}"></script>
<script>
  const root = ReactDOM.createRoot(document.getElementById("slot"));
  const area = () => React.createElement(React.Fragment, null, window.registered
    .filter((plugin) => plugin.options.scope === "woocommerce-checkout")
    .map((plugin) => React.createElement(plugin.options.render, {{key: plugin.name}})));
  window.setCart = (setia) => {{
    window.cart = {{...window.cart, extensions: {{setia}}}};  // a new cart answer, as the Store API sends
    root.render(area());
  }};
  root.render(area());
</script></body></html>"""


@pytest.fixture()
def woo() -> Iterator[FakeWooCommerce]:
    with fake_woocommerce() as store:
        yield store


@pytest.fixture()
def seeded(app: Any, client: Any, woo: FakeWooCommerce) -> dict[str, Any]:
    """A connected WooCommerce store (1 point per 1.00, 2 % cashback) whose customer has the 30 points
    of a paid 30.00 order, and four rewards of which two fit a 220.00 cart that ships."""
    store = connected_store(app, {"points_per_unit": "1", "cashback_percent": str(CASHBACK_PERCENT)})
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, store["id"])
        store["public_id"] = shop.public_id
        store["secret"] = app.extensions["setia_box"].decrypt(shop.widget_secret_enc)
    order = fixture("order.created__processing_customer_coupon")
    deliver_to(client, "order.created", order, "d1")
    store["customer"] = str(order["customer_id"])
    api = Api(client, store["api_key"])
    for reward in (
        {"name": "$5 off", "points_cost": 20, "kind": "fixed_amount", "value": "5.00"},
        {"name": "Big spender", "points_cost": 500, "kind": "fixed_amount", "value": "50.00"},
        {"name": "On 300 or more", "points_cost": 10, "kind": "fixed_amount", "value": "5.00", "min_order": "300.00"},
        {"name": "Free delivery", "points_cost": 10, "kind": "free_shipping", "value": "0"},
    ):
        made = api.post("/rewards", reward)
        assert made.status_code == 201
        store.setdefault("rewards", {})[reward["name"]] = made.json["id"]
    assert api.member(store["customer"])["points_available"] == 30
    return store


def plugin_output(store: dict[str, Any], live_url: str, user: int, locale: str = "en_US") -> tuple[dict, dict]:
    """The script's settings and the cart's `setia` data, as the plugin's PHP makes them."""
    options = {
        "setia_loyalty_app_url": live_url,
        "setia_loyalty_public_id": store["public_id"],
        "setia_loyalty_widget_secret": store["secret"],
    }
    out = run("blocks", options, user=user, locale=locale)
    [integration] = out["integrations"]["checkout"]
    [extension] = out["store_api"]
    return integration["script_data"], extension["data"]


def expected(basis: str) -> dict[str, Any]:
    """What a cart with this basis earns, computed here: floor(basis × 1), 2 % cashback to the cent."""
    amount = Decimal(basis)
    cashback = (amount * CASHBACK_PERCENT / 100).quantize(Decimal("0.01"), ROUND_DOWN)
    return {"points": int(amount.to_integral_value(ROUND_DOWN)), "cashback": str(cashback), "currency": "USD"}


class Estimates:
    """The estimate requests the page makes to the real app's widget API, as they arrive."""

    def __init__(self, page: Any, prefix: str) -> None:
        self.responses: list[Any] = []
        page.on("response", lambda response: response.url.startswith(prefix) and self.responses.append(response))

    @property
    def queries(self) -> list[dict[str, list[str]]]:
        return [parse_qs(urlsplit(response.url).query) for response in self.responses]

    def agree(self) -> None:
        """Every answer is what this test computes for the basis asked (a second formula, not the app's)."""
        for response in self.responses:
            assert response.status == 200
            basis = parse_qs(urlsplit(response.url).query)["subtotal"][0]
            assert {key: response.json()[key] for key in ("points", "cashback", "currency")} == expected(basis)


def serve(page: Any, storefront: Storefront, live_url: str, store: dict[str, Any]) -> Estimates:
    """The page's scripts (the plugin's file, WordPress's React); returns the estimate requests the
    page makes to the real app as they arrive."""
    modules = node_modules()
    scripts = {
        PLUGIN_SCRIPT: PLUGIN_JS,
        "/wp-includes/js/dist/vendor/react.min.js": modules / "react" / "umd" / "react.production.min.js",
        "/wp-includes/js/dist/vendor/react-dom.min.js": modules / "react-dom" / "umd" / "react-dom.production.min.js",
    }
    for path, source in scripts.items():
        page.route(storefront.origin + path, lambda route, _, source=source: route.fulfill(path=str(source)))
    return Estimates(page, f"{live_url}/widget/v1/{store['public_id']}/estimate?")


def applies_on(woo: FakeWooCommerce, page: Any) -> list[str]:
    """window.storeApplies(code): applies a code only if the fake store has that coupon (as the Store
    API would); a code the store has not made yet fails this time, then the worker runs (with Redis)."""
    tried: list[str] = []

    def store_applies(code: str) -> dict[str, Any]:
        tried.append(code)
        known = [coupon for coupon in woo.coupons if coupon["code"].lower() == code.lower()]
        if not known:
            drain()
            return {"ok": False, "message": f'Coupon "{code.lower()}" does not exist!'}
        amount = Decimal(known[0]["amount"])
        return {"ok": True, "discount": f"${amount}", "basis": str(Decimal(CART_BASIS) - amount)}

    page.expose_function("storeApplies", store_applies)
    return tried


PLUGIN_JS = PLUGIN / "assets" / "checkout.js"
CART_BASIS = "181.09"  # 200.00 - 18.91, as CART in the PHP tests


def test_the_blocks_fill_earns_shows_the_balance_and_applies_a_redeemed_code(
    app, client, seeded, woo, live_url, storefront: Storefront, page
):
    settings, setia = plugin_output(seeded, live_url, user=int(seeded["customer"]))
    assert setia["basis"] == CART_BASIS and setia["customer"]["customer"] == seeded["customer"]
    asked = serve(page, storefront, live_url, seeded)
    tried = applies_on(woo, page)
    storefront.pages["/checkout"] = BLOCKS_PAGE.format(
        lang="en", setia=json.dumps(setia), settings=json.dumps(settings), plugin_script=PLUGIN_SCRIPT
    )
    page.goto(storefront.origin + "/checkout")

    earn = page.locator(f"{SLOT} .setia-loyalty-earn")
    expect(earn).to_have_text("You will earn 181 points and $3.62 cashback with this order.")
    assert asked.queries[0]["subtotal"] == [CART_BASIS] and asked.queries[0]["customer"] == [seeded["customer"]]
    balance = page.locator(f"{SLOT} .setia-loyalty-balance")
    expect(balance).to_have_text("Your balance: 30 points")

    page.locator(f"{SLOT} .setia-loyalty-use").click()
    offered = page.locator(f"{SLOT} .setia-loyalty-reward")
    # Affordable, minimum spend met, free shipping for a cart that ships; not the 500-point one,
    # nor the one needing 300.00 (the cart's coupon subtotal is 220.00).
    expect(offered).to_have_text(["Free delivery · 10 points", "$5 off · 20 points"])  # the program's order
    assert page.evaluate("document.activeElement.textContent") == "Free delivery · 10 points"  # focus follows
    offered.nth(1).click()
    expect(page.locator(f"{SLOT} .setia-loyalty-confirm")).to_have_text("Spend 20 points on $5 off?")
    page.locator(f"{SLOT} .setia-loyalty-yes").click()

    message = page.locator(f"{SLOT} .setia-loyalty-message")
    expect(message).to_have_text(re.compile(r"^Code SETIA-[A-Z2-9]{4}-[A-Z2-9]{4} is applied"), timeout=15_000)
    [posted] = woo.posted
    code = posted["code"]
    assert page.evaluate("window.applied") == [code]  # through wp.data's cart store
    # With a worker (Redis) the code is `pending` when redeemed: the first try fails, the next applies it.
    assert tried == [code] * (2 if REDIS_URL else 1)
    assert page.locator("#discount").text_content() == " · Discount -$5.00"
    expect(balance).to_have_text("Your balance: 10 points")
    member = Api(client, seeded["api_key"]).member(seeded["customer"])
    assert member["points_available"] == 10
    # The cart changed (the code): the earn line follows it.
    expect(earn).to_have_text("You will earn 176 points and $3.52 cashback with this order.")
    assert asked.queries[-1]["subtotal"] == ["176.09"]
    asked.agree()
    shoot(page, "woocommerce-checkout-blocks")
    assert axe_violations(page) == []

    # 10 points left: only the 10-point reward fits now. Spent elsewhere meanwhile, it is refused.
    page.locator(f"{SLOT} .setia-loyalty-use").click()
    expect(offered).to_have_text(["Free delivery · 10 points"])
    free = offered.first.text_content()
    spent = client.post(
        f"/widget/v1/{seeded['public_id']}/redemptions",
        query_string=signed(app, seeded, seeded["customer"]),
        json={"reward_id": seeded["rewards"]["Free delivery"]},
    )
    assert spent.status_code == 201 and free == "Free delivery · 10 points"
    offered.first.click()
    page.locator(f"{SLOT} .setia-loyalty-yes").click()
    expect(message).to_have_text("Not enough points yet.")
    assert page.evaluate("window.applied") == [code]  # nothing more applied
    assert page.errors == []


def test_cart_changes_ask_once_per_pause_and_a_guest_sees_what_an_account_earns(
    app, seeded, live_url, storefront: Storefront, page
):
    settings, setia = plugin_output(seeded, live_url, user=0, locale="id_ID")
    assert setia["customer"] is None
    asked = serve(page, storefront, live_url, seeded)
    storefront.pages["/checkout"] = BLOCKS_PAGE.format(
        lang="id", setia=json.dumps(setia), settings=json.dumps(settings), plugin_script=PLUGIN_SCRIPT
    )
    page.goto(storefront.origin + "/checkout")
    earn = page.locator(f"{SLOT} .setia-loyalty-earn")
    expect(earn).to_have_text("Dengan akun, pesanan ini mendapatkan 181 poin. Masuk")
    link = page.locator(f"{SLOT} .setia-loyalty-sign-in")
    href = urlsplit(link.get_attribute("href") or "")
    assert href.path.endswith("/wp-login.php")
    assert parse_qs(href.query)["redirect_to"] == [storefront.origin + "/checkout"]
    assert "customer" not in asked.queries[0]
    assert page.locator(f"{SLOT} .setia-loyalty-balance, {SLOT} .setia-loyalty-use").count() == 0

    # Quantities clicked up three times, 0.1 s apart (each a new cart, re-rendered): one estimate,
    # for the last cart. 3599.99 at 2 % is 71.9998: the cashback is rounded down to the cent (71.99).
    before = len(asked.queries)
    page.evaluate(
        "async () => { for (const basis of ['1199.99', '2399.99', '3599.99']) {"
        " window.setCart({...window.cart.extensions.setia, basis});"
        " await new Promise((resolve) => setTimeout(resolve, 100)); } }"
    )
    expect(earn).to_have_text("Dengan akun, pesanan ini mendapatkan 3.599 poin. Masuk")
    time.sleep(0.6)  # past the debounce: nothing more was asked
    assert [query["subtotal"] for query in asked.queries[before:]] == [["3599.99"]]
    assert asked.responses[-1].json()["cashback"] == "71.99"
    asked.agree()
    assert page.errors == []


# The classic checkout: the plugin's element and state (its PHP output), jQuery's checkout events
# stubbed, and the plugin's wc-ajax handler answered here as includes/checkout.php answers.
CLASSIC_PAGE = """<!doctype html><html lang="en"><head><title>Checkout</title></head><body><main>
<h1>Checkout</h1><div id="order_review">{printed}</div></main>
<script>
  window.events = []; const handlers = {{}};
  window.jQuery = () => ({{trigger: (name) => window.events.push(name), on: (name, fn) => {{ handlers[name] = fn; }}}});
  window.updatedCheckout = (html) => {{  // WooCommerce replacing its fragments after update_checkout
    document.querySelector("div.setia-loyalty-checkout-state").outerHTML = html;
    handlers.updated_checkout();
  }};
  window.setiaLoyaltyCheckout = {config};
</script>
<script src="{plugin_script}"></script></body></html>"""


def test_the_classic_checkout_redeems_and_applies_through_the_plugins_ajax_handler(
    app, client, seeded, woo, live_url, storefront: Storefront, page
):
    options = {
        "setia_loyalty_app_url": live_url,
        "setia_loyalty_public_id": seeded["public_id"],
        "setia_loyalty_widget_secret": seeded["secret"],
    }
    out = run("classic", options, user=int(seeded["customer"]))
    [(_, inline, _)] = out["inline"]
    config = json.loads(inline.removeprefix("window.setiaLoyaltyCheckout = ").removesuffix(";"))
    asked = serve(page, storefront, live_url, seeded)
    posts: list[dict[str, list[str]]] = []

    def ajax(route: Any) -> None:
        form = parse_qs(route.request.post_data or "")
        posts.append(form)
        drain()
        known = any(coupon["code"].lower() == form["code"][0].lower() for coupon in woo.coupons)
        ok = form["security"] == [config["apply_nonce"]] and known
        body = {"success": True, "data": {"code": form["code"][0].lower()}} if ok else {"success": False}
        route.fulfill(status=200 if ok else 400, json=body)

    page.route(lambda url: url == storefront.origin + "/?wc-ajax=setia_loyalty_apply_coupon", ajax)
    storefront.pages["/checkout"] = CLASSIC_PAGE.format(
        printed=out["printed"], config=json.dumps(config), plugin_script=PLUGIN_SCRIPT
    )
    page.goto(storefront.origin + "/checkout")
    root = "[data-setia-checkout]"
    expect(page.locator(f"{root} .setia-loyalty-earn")).to_have_text(
        "You will earn 181 points and $3.62 cashback with this order."
    )
    page.locator(f"{root} .setia-loyalty-use").click()
    page.locator(f"{root} .setia-loyalty-reward", has_text="$5 off").click()
    page.locator(f"{root} .setia-loyalty-yes").click()
    expect(page.locator(f"{root} .setia-loyalty-message")).to_contain_text("is applied to this order", timeout=15_000)
    [posted] = woo.posted
    assert posts[-1]["code"] == [posted["code"]] and posts[-1]["security"] == [config["apply_nonce"]]
    assert page.evaluate("window.events") == ["update_checkout"]  # the totals refresh, with the discount

    # WooCommerce's refreshed fragment brings the cart's new basis: the earn line follows.
    fresh = out["printed"].split("</div>", 1)[1].replace("181.09", "176.09")
    page.evaluate("(html) => window.updatedCheckout(html)", fresh)
    expect(page.locator(f"{root} .setia-loyalty-earn")).to_have_text(
        "You will earn 176 points and $3.52 cashback with this order."
    )
    assert asked.queries[-1]["subtotal"] == ["176.09"]
    asked.agree()
    assert page.errors == []


def test_the_classic_cart_element_redeems_and_lands_on_the_plugins_coupon_link(
    app, seeded, woo, live_url, storefront: Storefront, page
):
    """The classic cart ([woocommerce_cart]): the plugin prints `<div data-setia="cart">` with the
    cart's basis (includes/storefront.php) and the widget's cart element fills it; "Use your points"
    redeems there and goes to the plugin's ?coupon= link on this page, which applies the code."""
    cart = f"<div data-setia='cart' data-subtotal='{CART_BASIS}'></div>"
    tag = script_tag(app, seeded, live_url, seeded["customer"])
    storefront.pages["/cart/"] = (
        f"<html lang='en'><head><title>Cart</title></head><body><main><h1>Cart</h1>{cart}</main>"
    )
    storefront.pages["/cart/"] += tag + "</body></html>"
    page.goto(storefront.origin + "/cart/")
    assert wait_text(page, ".el", "points", host=CART_ELEMENT).startswith("You will earn 181 points with this order.")
    page.locator(CART_ELEMENT).get_by_role("button", name="Use your points").click()
    assert wait_text(page, ".sub", "You have", host=CART_ELEMENT) == "You have 30 points."
    assert axe_violations(page) == []
    page.locator(CART_ELEMENT).get_by_role("button", name="Redeem: $5 off").click()
    page.locator(CART_ELEMENT).get_by_role("button", name="Yes, spend").click()
    page.wait_for_url(re.compile(r"/cart/\?coupon=SETIA-"), timeout=15_000)
    drain()  # with Redis, the worker makes the code on the store
    [posted] = woo.posted
    assert page.url == f"{storefront.origin}/cart/?coupon={posted['code']}"
    assert page.errors == []

"""The cart element (widgets/src/cart.js), as the Shopify theme's cart app block and cart drawer carry
it: the earn line is the server's estimate, asked once per settled subtotal (a burst of quantity
changes is one request), and a signed shopper redeems a reward there and lands back on the cart
with the code applied (Shopify's /discount/<code>?redirect=)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Api

from .storefront import Storefront, script_tag, shadow_text, shoot, storefront_fixture, wait_text  # noqa: F401

CART = "[data-setia=cart]"
SARI = "7001"
JANE = "1073339475"


def estimates(page: Any) -> list[str]:
    """The subtotals the page asks the server about, in order."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/estimate?" in request.url else None)
    return asked


def seeded_demo(app: Any, client: Any, monkeypatch: Any, tmp_path: Any) -> tuple[Api, dict[str, Any]]:
    import integrator.demo

    monkeypatch.setattr(integrator.demo, "DEMO_FILE", tmp_path / "demo.json")  # not the developer's instance/
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    api = Api(client, json.loads((tmp_path / "demo.json").read_text())["api_key"])
    sari = api.member(SARI)
    assert sari is not None and sari["points_available"] >= 300
    return api, sari


def test_the_demo_cart_follows_the_subtotal_and_redeems_a_reward_applied_to_the_cart(
    app, client, live_url, page, monkeypatch, tmp_path
):
    api, sari = seeded_demo(app, client, monkeypatch, tmp_path)
    asked = estimates(page)
    page.goto(f"{live_url}/demo")
    # Rp 181.000 at the demo's 1 point per Rp 1.000.
    assert wait_text(page, ".el", "points", host=CART).startswith("You will earn 181 points with this order.")
    for _ in range(3):  # a burst: Rp 237.000, 293.000, then 349.000 settles
        page.locator("#more").click()
    assert wait_text(page, ".el", "349 points", host=CART).startswith("You will earn 349 points")
    page.wait_for_timeout(800)  # longer than the element's wait: nothing more is on its way
    assert [url.split("subtotal=")[1].split("&")[0] for url in asked] == ["181000", "349000"]

    page.get_by_role("button", name="Use your points").click()
    balance = f"{sari['points_available']:,} points"
    assert wait_text(page, ".sub", balance, host=CART) == f"You have {balance}."
    page.locator(CART).get_by_role("button", name="Redeem: Gratis ongkir").click()
    shoot(page, "cart-element-redeem")
    page.locator(CART).get_by_role("button", name="Yes, spend").click()
    # The code is recorded, then applied: Shopify's discount link, back to this cart.
    page.wait_for_url(f"{live_url}/demo", timeout=15_000)
    applied = page.locator("#applied code").text_content()
    assert applied and applied.startswith("SETIA-")
    member = api.member(SARI)
    assert member["points_available"] == sari["points_available"] - 300
    [coupon] = [c for c in api.get(f"/members/{member['id']}/coupons").json["items"] if c["kind"] == "reward"]
    assert coupon["code"] == applied
    assert page.errors == []


def test_a_reward_above_the_balance_or_the_carts_minimum_cannot_be_picked(
    app, client, shops, api, deliver, live_url, storefront: Storefront, page
):
    from tests.deliveries import fake30

    shop = shops.make(settings={"points_per_unit": "1"})
    assert deliver("orders/paid", fake30()).status_code == 200  # Jane: 181 points
    api = Api(client, shop["api_key"])
    for reward in (
        {"name": "Cheap", "points_cost": 100, "kind": "fixed_amount", "value": "5.00"},
        {"name": "Big cart only", "points_cost": 100, "kind": "fixed_amount", "value": "5.00", "min_order": "50.00"},
        {"name": "Dear", "points_cost": 500, "kind": "fixed_amount", "value": "25.00"},
    ):
        assert api.post("/rewards", reward).status_code == 201
    cart = "<div data-setia='cart' data-subtotal='20.00'></div>"
    storefront.pages["/cart"] = f"<html lang='en'><body>{cart}{script_tag(app, shop, live_url, JANE)}</body></html>"
    page.goto(storefront.origin + "/cart")
    wait_text(page, ".el", "20 points", host=CART)
    page.get_by_role("button", name="Use your points").click()
    buttons = page.locator(CART).get_by_role("button", name="Redeem")
    assert buttons.count() == 3
    assert [buttons.nth(i).is_enabled() for i in range(3)] == [True, False, False]
    page.evaluate("document.querySelector('[data-setia=cart]').dataset.subtotal = '50.00'")
    wait_text(page, ".el", "50 points", host=CART)
    assert [buttons.nth(i).is_enabled() for i in range(3)] == [True, True, False]
    assert page.errors == []


def test_a_shopify_cart_drawer_gets_the_element_and_it_follows_the_cart(
    app, shops, live_url, storefront: Storefront, page
):
    """The app embed names the theme's cart drawer (data-cart-drawer); the element reads /cart.js
    (hundredths of the currency) and again after the theme changes the cart (/cart/change.js)."""
    shop = shops.make(settings={"points_per_unit": "1"})
    storefront.pages["/cart.js"] = json.dumps({"total_price": 18109, "item_count": 1})
    storefront.pages["/cart/change.js"] = json.dumps({"ok": True})
    drawer = "<cart-drawer><div class='drawer__footer'></div></cart-drawer>"
    change = "<button id='more' onclick=\"fetch('/cart/change.js?line=1&quantity=2')\">+</button>"  # the theme's call
    tag = script_tag(app, shop, live_url, None, cart_drawer="cart-drawer .drawer__footer")
    storefront.pages["/"] = f"<html lang='en'><body>{drawer}{change}{tag}</body></html>"
    asked = estimates(page)
    page.goto(storefront.origin + "/")
    host = "cart-drawer [data-setia=cart]"
    assert wait_text(page, ".el", "points", host=host) == "Sign in to earn 181 points with this order."
    storefront.pages["/cart.js"] = json.dumps({"total_price": 36218, "item_count": 2})
    page.locator("#more").click()
    assert wait_text(page, ".el", "362 points", host=host) == "Sign in to earn 362 points with this order."
    assert [url.split("subtotal=")[1] for url in asked] == ["181.09", "362.18"]
    assert page.locator("[data-setia=cart]").count() == 1  # added once, whatever the page does after
    assert page.errors == []


def test_the_demo_cart_in_indonesian(app, client, live_url, page, monkeypatch, tmp_path):
    seeded_demo(app, client, monkeypatch, tmp_path)
    page.goto(f"{live_url}/demo?lang=id")
    assert wait_text(page, ".el", "poin", host=CART).startswith("Anda akan mendapatkan 181 poin dari pesanan ini.")
    page.get_by_role("button", name="Pakai poin Anda").click()
    assert wait_text(page, ".sub", "Poin Anda", host=CART).startswith("Poin Anda: ")
    assert page.locator(CART).get_by_role("button", name="Tukar: Gratis ongkir").is_enabled()
    assert page.errors == []

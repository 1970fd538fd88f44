"""The page elements the widget fills: the cart's "you will earn N points" (exactly what the server
then awards, on amounts where float arithmetic would be off by one; test_storefront_cart.py has the
rest of the cart element), and the thank-you element, which waits for a late webhook and then shows
the points and the unboxing code."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from tests.conftest import Api
from tests.deliveries import fake30, money_set, with_changes

from .storefront import Storefront, script_tag, shadow_text, shoot, storefront_fixture, wait_text  # noqa: F401

JANE = "1073339475"
CART = "[data-setia=cart]"
THANKS = "[data-setia=thank-you]"
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/9"}, "userErrors": []}
}


def test_the_cart_promises_exactly_the_points_the_order_then_earns(
    app, client, shops, api, deliver, live_url, storefront: Storefront, page
):
    # 1.15 × 100 is 114.99999999999999 in floating point: a float widget would promise 114.
    shop = shops.make(settings={"points_per_unit": "100"})
    cart = "<div data-setia='cart' data-subtotal='1.15'></div>"
    storefront.pages["/cart"] = (
        f"<html lang='en'><body><h1>Cart</h1>{cart}{script_tag(app, shop, live_url, JANE)}</body></html>"
    )

    page.goto(storefront.origin + "/cart")
    promise = wait_text(page, ".el", "points", host=CART)
    assert promise.startswith("You will earn 115 points with this order.")
    order = with_changes(fake30(), current_subtotal_price="1.15", current_subtotal_price_set=money_set("1.15"))
    assert deliver("orders/paid", order).status_code == 200
    member = Api(client, shop["api_key"]).member(JANE)
    assert member is not None and member["points_available"] == 115  # what the server awarded

    page.evaluate("document.querySelector('[data-setia=cart]').dataset.subtotal = '181.09'")
    expected = int((Decimal("181.09") * 100).to_integral_value(ROUND_DOWN))
    assert wait_text(page, ".el", f"{expected:,} points", host=CART)
    shoot(page, "cart-element")
    assert page.errors == []


def test_the_thank_you_element_waits_for_the_late_webhook_then_shows_points_and_unboxing_code(
    app, client, shops, deliver, shopify, live_url, storefront: Storefront, page
):
    unboxing = {"enabled": True, "discount_percent": "10", "expires_days": 30}
    shop = shops.make(settings={"points_per_unit": "1", "unboxing": unboxing})
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    order = fake30()
    thanks = f"<div data-setia='thank-you' data-order='{order['id']}'></div>"
    storefront.pages["/thanks"] = (
        f"<html lang='en'><body><h1>Thank you</h1>{thanks}{script_tag(app, shop, live_url, JANE)}</body></html>"
    )

    with page.expect_response(lambda r: "/orders/" in r.url) as first:
        page.goto(storefront.origin + "/thanks")
    assert first.value.status == 404  # the webhook has not arrived yet
    assert deliver("orders/paid", order).status_code == 200

    text = wait_text(page, ".el", "You earned", host=THANKS)
    assert text.startswith("You earned 181 points with order #1002.")
    code = wait_text(page, ".code", "SETIA-", host=THANKS)
    assert "10% off" in shadow_text(page, ".box", host=THANKS)
    [call] = shopify.calls_of("SetiaDiscountCreate")
    assert code in str(call.variables)  # the code the store was asked to make
    assert wait_text(page, ".launcher", "181") == "Rewards · 181"  # the balance caught up with the order
    shoot(page, "thank-you-element")
    page.locator("#setia-loyalty .launcher").click()  # My codes in the panel lists the unboxing coupon too
    assert wait_text(page, ".issued .code", "SETIA-") == code
    assert "Your thank-you coupon" in shadow_text(page, ".issued")
    assert page.errors == []

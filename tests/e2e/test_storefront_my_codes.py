"""The shopper's side in Chromium: a redeemed code is still under My codes after a reload; the whole
redemption works with the keyboard alone (focus on the new code, Escape closes the panel from
anywhere, focus back on what opened it); axe-core finds no WCAG 2.1 A/AA violation on the storefront
with the panel closed and open, and on the cart element with its rewards and confirmation open."""

from __future__ import annotations

from typing import Any

from tests.conftest import drain
from tests.deliveries import fake30

from .accessibility import axe_violations
from .storefront import Storefront, script_tag, shadow_text, shoot, storefront_fixture, wait_text  # noqa: F401
from .test_storefront_widget import CREATED, JANE, add_reward

ACTIVE = "document.querySelector('#setia-loyalty').shadowRoot.activeElement"
CART = "[data-setia=cart]"
PANEL = "document.querySelector('#setia-loyalty').shadowRoot.querySelector('.panel')"


def shop_page(app: Any, client: Any, shop: dict[str, Any], deliver: Any, live_url: str, storefront: Storefront) -> int:
    deliver("orders/paid", fake30())  # 181 points
    reward_id = add_reward(
        client, shop, name="Rp 10.000 off", points_cost=100, kind="fixed_amount", value="5.00", min_order="20.00"
    )
    cart = "<div data-setia='cart' data-subtotal='40.00'></div>"
    page = f"<html lang='en'><head><title>Shop</title></head><body><main><h1>Shop</h1>{cart}</main>"
    storefront.pages["/"] = page + script_tag(app, shop, live_url, JANE) + "</body></html>"
    return reward_id


def test_a_redeemed_code_is_under_my_codes_after_a_reload(
    app, client, shop, deliver, shopify, live_url, storefront: Storefront, page
):
    shop_page(app, client, shop, deliver, live_url, storefront)
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    assert wait_text(page, ".issued", "No codes yet.") == "No codes yet."
    page.get_by_role("button", name="Redeem: Rp 10.000 off").click()
    question = wait_text(page, ".ask", "Spend").replace("\u00a0", " ")
    assert question.startswith("Spend 100 points on $5.00 off, orders from $20.00?")  # the minimum with it
    page.get_by_role("button", name="Yes, spend").click()
    code = wait_text(page, ".msg", "SETIA-").removeprefix("Your code: ")
    assert wait_text(page, ".big", "81 points") == "81 points"  # the balance stays in view
    assert page.locator("#setia-loyalty .big").is_visible()

    drain()  # the worker (with Redis) has made the code on the store: it is active now
    page.reload()
    page.locator("#setia-loyalty .launcher").click()
    listed = wait_text(page, ".issued", code).replace("\u00a0", " ")
    assert listed.startswith("Rp 10.000 off · $5.00 off, orders from $20.00, ready to use, valid until ")
    assert "No codes yet." not in listed
    shoot(page, "widget-my-codes")
    assert page.errors == []


def test_a_keyboard_only_shopper_redeems_and_closes_the_panel_with_escape(
    app, client, shop, deliver, shopify, live_url, storefront: Storefront, page
):
    shop_page(app, client, shop, deliver, live_url, storefront)
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    page.goto(storefront.origin + "/")
    launcher = page.locator("#setia-loyalty .launcher")
    wait_text(page, ".launcher", "181")
    launcher.focus()
    page.keyboard.press("Enter")
    wait_text(page, ".issued", "No codes yet.")
    for _ in range(10):  # Tab to the reward's Redeem button
        page.keyboard.press("Tab")
        if page.evaluate(f"{ACTIVE}?.getAttribute('aria-label')") == "Redeem: Rp 10.000 off":
            break
    else:
        raise AssertionError("the Redeem button is not reachable with Tab")
    page.keyboard.press("Enter")
    wait_text(page, ".ask", "Spend")
    assert page.evaluate(f"{ACTIVE}.textContent") == "Yes, spend"
    page.keyboard.press("Enter")
    code = wait_text(page, ".msg", "SETIA-").removeprefix("Your code: ")
    page.wait_for_function(f"{ACTIVE}?.classList.contains('box')")  # focus on the new code, in the panel
    assert code in page.evaluate(f"{ACTIVE}.textContent")
    page.keyboard.press("Escape")
    assert page.locator("#setia-loyalty .panel").is_hidden()
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate(f"{ACTIVE}.className") == "launcher"

    # The cart's "Use your points" opens the rewards inside the cart element, from the keyboard too;
    # the focus stays on it. (81 points left: the 100-point reward cannot be picked now.)
    cart = page.locator(CART).get_by_role("button", name="Use your points")
    cart.focus()
    page.keyboard.press("Enter")
    assert cart.get_attribute("aria-expanded") == "true"
    assert page.locator(CART).get_by_role("button", name="Redeem: Rp 10.000 off").is_disabled()
    assert page.evaluate("document.querySelector('[data-setia=cart]').shadowRoot.activeElement?.textContent") == (
        "Use your points"
    )
    assert page.errors == []


def test_axe_finds_no_wcag_violation_on_the_storefront_panel_closed_and_open(
    app, client, shop, deliver, shopify, live_url, storefront: Storefront, page
):
    shop_page(app, client, shop, deliver, live_url, storefront)
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    page.goto(storefront.origin + "/")
    wait_text(page, ".launcher", "181")
    wait_text(page, ".el", "You will earn", host=CART)  # the cart element too, closed
    assert axe_violations(page) == []
    # The cart element's rewards and its confirmation (then cancelled, and the rewards closed again).
    toggle = page.locator(CART).get_by_role("button", name="Use your points")
    toggle.click()
    wait_text(page, ".sub", "You have 181 points.", host=CART)
    assert axe_violations(page) == []
    page.locator(CART).get_by_role("button", name="Redeem: Rp 10.000 off").click()
    wait_text(page, "#setia-cart-ask", "Spend", host=CART)
    assert axe_violations(page) == []
    page.locator(CART).get_by_role("button", name="Cancel").click()
    toggle.click()
    page.locator("#setia-loyalty .launcher").click()
    wait_text(page, ".issued", "No codes yet.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Redeem: Rp 10.000 off").click()
    wait_text(page, ".ask", "Spend")
    assert axe_violations(page) == []  # the confirmation
    page.get_by_role("button", name="Yes, spend").click()
    wait_text(page, ".msg", "SETIA-")
    page.locator("#setia-loyalty").get_by_role("button", name="History").click()
    wait_text(page, ".history", "+181")
    assert axe_violations(page) == []  # a code, the cashback form, the history
    assert page.evaluate("document.querySelectorAll('header, [role=banner]').length") == 0
    # axe does look inside the widget's shadow root: a nameless button there is found.
    page.evaluate(f"{PANEL}.append(document.createElement('button'))")
    assert [found.split(":")[0] for found in axe_violations(page)] == ["button-name"]
    assert page.errors == []

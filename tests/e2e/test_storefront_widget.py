"""The storefront widget in a real Chromium, on a shop's page served from another origin with the
contract's script tag: the balance, a redemption that lowers it and shows the code, Indonesian and
Rupiah for an Indonesian shop, the anonymous shopper, the keyboard, and refusals shown politely."""

from __future__ import annotations

import re
from typing import Any

from integrator.loyalty.money import display
from tests.conftest import Api
from tests.deliveries import fake30, money_set, with_changes

from .storefront import Storefront, script_tag, set_shop, shadow_text, shoot, storefront_fixture, wait_text  # noqa: F401

INLINE = "[data-setia-panel=inline]"
JANE = "1073339475"  # the customer of the FAKE30 order: 181.09 USD → 181 points at 1 point per 1.00
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/8"}, "userErrors": []}
}


def add_reward(client: Any, shop: dict[str, Any], **reward: Any) -> int:
    response = Api(client, shop["api_key"]).post("/rewards", reward)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def test_a_signed_in_shopper_sees_the_balance_redeems_and_gets_a_code(
    app, client, shop, api, deliver, shopify, live_url, storefront: Storefront, page
):
    deliver("orders/paid", fake30())
    add_reward(client, shop, name="5 off", points_cost=100, kind="fixed_amount", value="5.00")
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    # The WordPress plugin's My Account tab prints a container the same panel renders into, always open.
    inline = "<div class='setia-loyalty-panel' data-setia-panel='inline'></div>"
    storefront.pages["/"] = (
        f"<html lang='en'><body><h1>Shop</h1>{inline}{script_tag(app, shop, live_url, JANE)}</body></html>"
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=storefront.origin)
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url))

    page.goto(storefront.origin + "/")
    assert wait_text(page, ".launcher", "181") == "Rewards · 181"
    assert page.locator("#setia-loyalty .launcher").get_attribute("aria-label") == "Rewards · 181 points"
    page.locator("#setia-loyalty .launcher").click()
    assert shadow_text(page, ".big") == "181 points"
    assert "Cashback: $3.62" in shadow_text(page, ".me")  # 2 % of 181.09, formatted like the server
    assert "$5.00\u00a0off" in shadow_text(page, ".rewards")
    shoot(page, "widget-balance")

    assert wait_text(page, ".big", "181 points", host=INLINE) == "181 points"
    page.locator("#setia-loyalty").get_by_role("button", name="Redeem: 5 off").click()
    question = wait_text(page, ".ask", "Spend")
    assert question.replace("\u00a0", " ") == "Spend 100 points on $5.00 off?Yes, spendCancel"
    assert "100\u00a0points" in question and "$5.00\u00a0off" in question  # no line break inside an amount
    page.locator("#setia-loyalty").get_by_role("button", name="Yes, spend").click()
    code = wait_text(page, ".issued .code", "SETIA-")
    assert re.fullmatch(r"SETIA-[A-Z0-9-]+", code)
    assert wait_text(page, ".big", "81 points") == "81 points"
    assert shadow_text(page, ".launcher") == "Rewards · 81"
    assert wait_text(page, ".big", "81 points", host=INLINE) == "81 points"  # both panels show one balance
    assert code in shadow_text(page, ".msg")  # announced in the live region
    apply = page.locator("#setia-loyalty .issued a.apply")
    assert apply.get_attribute("href") == f"{storefront.origin}/discount/{code}"
    page.locator("#setia-loyalty .issued button.copy").click()
    assert wait_text(page, ".issued button.copy", "Copied")
    assert page.evaluate("navigator.clipboard.readText()") == code
    shoot(page, "widget-redeemed")

    assert not [url for url in calls if "/history" in url]  # loaded only when asked for
    page.locator("#setia-loyalty").get_by_role("button", name="History").click()
    history = wait_text(page, ".history", "+181")
    assert "-100" in history and "5 off" in history  # newest first: the redemption, then the order
    assert history.index("-100") < history.index("+181")
    assert page.errors == []
    member = api.member(JANE)
    assert member is not None and member["points_available"] == 81


def test_an_indonesian_shop_shows_indonesian_texts_and_rupiah(
    app, client, shops, deliver, shopify, live_url, storefront: Storefront, page
):
    shop = shops.make(currency="IDR", settings={"cashback_percent": "2"})  # IDR default: 1 point per Rp 1.000
    set_shop(app, shop["id"], language="id")
    order = with_changes(
        fake30(),
        currency="IDR",
        current_subtotal_price="1250000",
        current_subtotal_price_set=money_set("1250000", "IDR"),
    )
    assert deliver("orders/paid", order).status_code == 200
    add_reward(client, shop, name="Potongan belanja", points_cost=500, kind="fixed_amount", value="10000")
    storefront.pages["/"] = f"<html><body><h1>Toko</h1>{script_tag(app, shop, live_url, JANE)}</body></html>"

    page.goto(storefront.origin + "/")
    assert wait_text(page, ".launcher", "1.250") == "Hadiah · 1.250"
    assert page.get_by_role("button", name="Hadiah · 1.250 poin").is_visible()  # the launcher's name
    page.locator("#setia-loyalty .launcher").click()
    assert shadow_text(page, ".big") == "1.250 poin"
    assert shadow_text(page, ".me .sub") == "0 tertunda · Cashback: Rp 25.000"
    assert "1 poin per belanja Rp 1.000" in shadow_text(page, ".earn")
    assert "Potongan Rp\u00a010.000" in shadow_text(page, ".rewards")  # no line break inside an amount
    assert page.get_by_role("button", name="Tukar: Potongan belanja").is_enabled()
    shoot(page, "widget-indonesian")
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    # Cashback: the shopper chooses the amount (at most the balance), then confirms once.
    page.get_by_label("Jumlah").fill("30000")
    page.get_by_role("button", name="Pakai cashback").click()
    assert wait_text(page, ".msg", "Pilih") == "Pilih jumlah sampai Rp 25.000."
    page.get_by_label("Jumlah").fill("25000")
    page.get_by_role("button", name="Pakai cashback").click()
    question = wait_text(page, ".ask", "Tukar").replace("\u00a0", " ")
    assert question == "Tukar cashback Rp 25.000 dengan Potongan Rp 25.000?Ya, tukarBatal"
    page.get_by_role("button", name="Ya, tukar").click()
    assert "Potongan Rp\u00a025.000" in wait_text(page, ".issued", "SETIA-")
    assert wait_text(page, ".me .sub", "Rp 0") == "0 tertunda · Cashback: Rp 0"
    assert page.get_by_role("button", name="Pakai cashback").count() == 0
    # The widget formats amounts exactly as the server's money display does.
    for minor, currency, language in [
        (1_000_000, "IDR", "id"),
        (1_000_000, "IDR", "en"),
        (18109, "USD", "en"),
        (18109, "USD", "id"),
        (18109, "EUR", "id"),
        (100000, "JPY", "en"),
    ]:
        major = minor if currency in ("IDR", "JPY") else minor / 100
        shown = page.evaluate("([v, c, l]) => SetiaLoyalty.money(String(v), c, l)", [major, currency, language])
        assert shown == display(minor, currency, language), (currency, language)
    assert page.errors == []


def test_an_anonymous_shopper_sees_the_program_but_no_balance_in_the_shops_theme(
    app, client, shop, live_url, storefront, page
):
    add_reward(client, shop, name="Free shipping", points_cost=300, kind="free_shipping")
    theme = {"accent_color": "#ffcc00", "position": "bottom-left", "texts": {"id": {"title": "Klub Toko"}}}
    assert Api(client, shop["api_key"]).patch("/settings", {"widget": theme}).status_code == 200
    cart = "<div data-setia='cart' data-subtotal='181.09'></div>"
    storefront.pages["/"] = f"<html lang='id'><body>{cart}{script_tag(app, shop, live_url)}</body></html>"
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url) if "/widget/v1/" in request.url else None)

    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    assert "Masuk atau buat akun" in wait_text(page, ".me", "Masuk")  # the page's language
    assert "Gratis ongkir" in shadow_text(page, ".rewards")
    assert "300 poin" in shadow_text(page, ".rewards")
    assert page.locator("#setia-loyalty .rewards button").count() == 0
    assert (
        wait_text(page, ".el", "poin", host="[data-setia=cart]") == "Masuk untuk mendapatkan 181 poin dari pesanan ini."
    )
    assert page.locator("#setia-loyalty .big").count() == 0
    launcher = page.locator("#setia-loyalty .launcher")
    assert launcher.inner_text() == "Klub Toko"  # the merchant's own title
    assert shadow_text(page, "h2") == "Klub Toko"
    look = launcher.evaluate("el => { const s = getComputedStyle(el); return [s.backgroundColor, s.color, s.left]; }")
    assert look == ["rgb(255, 204, 0)", "rgb(17, 24, 39)", "16px"]  # dark text on a light accent, on the left
    shoot(page, "widget-anonymous")
    # The programme, and the cart's figure from the server (for a visitor: nothing personal is sent).
    assert [url.split("?")[0].rsplit("/", 1)[1] for url in calls] == ["program", "estimate"]
    assert calls[1].endswith("/estimate?subtotal=181.09")
    assert page.errors == []


def test_the_panel_works_with_the_keyboard(app, shop, live_url, storefront, page):
    storefront.pages["/"] = f"<html><body><a href='#'>first</a>{script_tag(app, shop, live_url)}</body></html>"
    page.goto(storefront.origin + "/")
    launcher = page.locator("#setia-loyalty .launcher")
    launcher.wait_for()
    launcher.focus()
    page.keyboard.press("Enter")
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.querySelector('#setia-loyalty').shadowRoot.activeElement.id") == "setia-title"
    page.keyboard.press("Escape")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.querySelector('#setia-loyalty').shadowRoot.activeElement.className") == "launcher"
    assert page.locator("#setia-loyalty .panel").is_hidden()


def test_a_bad_signature_a_rate_limit_and_an_api_down_are_shown_politely(
    app, client, shop, deliver, live_url, storefront: Storefront, page, monkeypatch
):
    deliver("orders/paid", fake30())
    tag = script_tag(app, shop, live_url, JANE).replace('data-sig="', 'data-sig="0')
    storefront.pages["/"] = f"<html lang='en'><body><p>Shop</p>{tag}</body></html>"
    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    assert wait_text(page, ".msg", "sign in") == "Please sign in again to see your points."
    assert page.locator("#setia-loyalty .big").count() == 0
    assert "181" not in shadow_text(page, ".panel")
    shoot(page, "widget-401")

    from integrator.widget_api.limits import Limit

    limits = {"client": Limit("client", 300, 60), "shopper": Limit("shopper", 1, 60)}
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits)
    tag = script_tag(app, shop, live_url, JANE)
    identity = "&".join(f"{key}={value}" for key, value in re.findall(r'data-(customer|ts|sig)="([^"]+)"', tag))
    assert client.get(f"/widget/v1/{shop['public_id']}/me?{identity}").status_code == 200  # the shopper's one call
    storefront.pages["/"] = f"<html lang='en'><body><p>Shop</p>{tag}</body></html>"
    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    assert wait_text(page, ".msg", "Too many") == "Too many requests. Try again in a minute."
    assert page.locator("#setia-loyalty .launcher").is_visible()

    # The API down: every call answers an HTML error page (here: a proxy path nothing serves).
    down = script_tag(app, shop, live_url, None, proxy="/nowhere", logged_in="true")
    storefront.pages["/"] = f"<html lang='en'><body><p>Shop</p>{down}</body></html>"
    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    assert wait_text(page, ".msg", "unavailable") == "Rewards are unavailable right now."
    assert page.evaluate("document.body.firstElementChild.textContent") == "Shop"
    assert page.errors == []

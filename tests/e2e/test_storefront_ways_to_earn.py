"""The ways to earn in a real Chromium: the widget's lazily loaded section (earn.js) in English for a
signed shopper (birthday form, a social click-through that earns once) and in Indonesian through
Shopify's app proxy, and the full programme page through the app proxy."""

from __future__ import annotations

from typing import Any

from tests.deliveries import fake30

from .storefront import Storefront, script_tag, set_shop, shadow_text, shoot, storefront_fixture, wait_text  # noqa: F401
from .test_storefront_widget import add_reward

JANE = "1073339475"
INSTAGRAM = "https://www.instagram.com/tokobudi"


def programme(api: Any, client: Any, shop: dict[str, Any]) -> None:
    settings = {
        "bonus": {"signup_points": 50, "birthday_points": 100, "social_points": 15},
        "social": {"instagram_url": INSTAGRAM},
    }
    assert api.patch("/settings", settings).status_code == 200
    add_reward(client, shop, name="Mug", points_cost=100, kind="percentage", value="15")


def fake_instagram(page: Any) -> list[str]:
    """The profile opens in a new tab: answered here, never by the real network."""
    opened: list[str] = []

    def answer(route: Any) -> None:
        opened.append(route.request.url)
        route.fulfill(body="<html><body>tokobudi on Instagram</body></html>", content_type="text/html")

    page.context.route("https://www.instagram.com/**", answer)
    return opened


def test_a_signed_shopper_sees_the_ways_to_earn_gives_a_birthday_and_follows(
    app, client, shop, api, deliver, live_url, storefront: Storefront, page
):
    deliver("orders/paid", fake30())
    programme(api, client, shop)
    opened = fake_instagram(page)
    storefront.pages["/"] = f"<html lang='en'><body><h1>Shop</h1>{script_tag(app, shop, live_url, JANE)}</body></html>"
    page.goto(storefront.origin + "/")
    wait_text(page, ".launcher", "181")
    page.locator("#setia-loyalty .launcher").click()
    ways = wait_text(page, ".ways", "Follow us on Instagram")
    assert "Your birthday" in ways and "+15\u00a0points" in ways.replace(" ", "\u00a0")
    assert "Create an account" not in ways  # joined by an order: the sign-up bonus is not hers to earn
    shoot(page, "widget-ways-to-earn-en")
    widget = page.locator("#setia-loyalty")
    widget.get_by_label("Month").select_option("3")
    widget.get_by_label("Day").fill("31")
    widget.get_by_role("button", name="Save birthday").click()
    assert wait_text(page, ".msg", "Birthday saved") == "Birthday saved"
    wait_text(page, ".ways", "March 31")  # the birthday as the shopper's language writes a day
    with page.context.expect_page() as tab:
        widget.get_by_role("link", name="Follow").click()
    tab.value.close()
    assert wait_text(page, ".msg", "+15 points") == "+15 points"
    assert wait_text(page, ".big", "196 points") == "196 points"
    assert opened == [INSTAGRAM]
    assert api.member(JANE)["points_available"] == 181 + 15
    assert page.errors == []


def test_through_the_app_proxy_the_ways_to_earn_speak_indonesian(
    app, client, shop, api, deliver, live_url, storefront: Storefront, page
):
    deliver("orders/paid", fake30())
    programme(api, client, shop)
    storefront.app_url, storefront.shop_domain, storefront.logged_in = live_url, shop["domain"], JANE
    tag = script_tag(app, shop, live_url, None, proxy="/apps/setia", locale="id", logged_in="true")
    storefront.pages["/"] = f"<html lang='id'><body><h1>Toko</h1>{tag}</body></html>"
    page.goto(storefront.origin + "/")
    wait_text(page, ".launcher", "181")
    page.locator("#setia-loyalty .launcher").click()
    ways = wait_text(page, ".ways", "Ikuti kami di Instagram")
    assert "Ulang tahun Anda" in ways
    widget = page.locator("#setia-loyalty")
    widget.get_by_label("Bulan").select_option("2")
    widget.get_by_label("Tanggal").fill("30")
    widget.get_by_role("button", name="Simpan ulang tahun").click()
    assert wait_text(page, ".msg", "Tanggal itu tidak ada") == "Tanggal itu tidak ada"
    shoot(page, "widget-ways-to-earn-id")
    assert "/apps/setia/earn" in {path.split("?")[0] for path in storefront.requests}
    assert page.errors == []


def test_the_programme_page_renders_through_the_app_proxy(
    app, client, shop, api, live_url, storefront: Storefront, page
):
    programme(api, client, shop)
    storefront.app_url, storefront.shop_domain = live_url, shop["domain"]
    page.goto(storefront.origin + "/apps/setia/programme")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Rewards programme")
    assert page.get_by_role("link", name="Follow us on Instagram").get_attribute("href") == INSTAGRAM
    assert "Mug" in page.locator("#rewards").inner_text()
    assert "How do I join?" in page.locator("#faq").inner_text()
    shoot(page, "programme-page-en")
    set_shop(app, shop["id"], language="id")
    page.goto(storefront.origin + "/apps/setia/programme")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Program hadiah")
    assert "Cara mendapatkan poin" in page.locator("#ways-to-earn").inner_text()

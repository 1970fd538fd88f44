"""The share panel in Chromium, English and Indonesian: the member's link (a real friend code), copy,
WhatsApp click-to-chat with the text in the shop's language, email, Facebook and X."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.referral_helpers import CODES_ADDED, FRIEND_DISCOUNT_CREATED, referral_settings

from .storefront import Storefront, script_tag, set_shop, shadow_text, shoot, storefront_fixture, wait_text  # noqa: F401

JANE = "1073339475"
LINKS = "document.querySelector('#setia-loyalty').shadowRoot.querySelectorAll('.refer a')"


def hrefs(page: Any) -> dict[str, str]:
    found = page.evaluate(f"[...{LINKS}].map((a) => [a.textContent, a.href])")
    return {text: href for text, href in found}


@pytest.mark.parametrize(
    ("language", "title", "message"),
    [
        ("en", "Refer a friend", "Here is 15% off your first order at Toko Budi: "),
        ("id", "Ajak teman", "Ini diskon 15% untuk pesanan pertamamu di Toko Budi: "),
    ],
)
def test_the_share_panel_in_the_shops_language(
    app, shops, shopify, live_url, storefront: Storefront, page, language, title, message
):
    shopify.answer("SetiaDiscountCreate", FRIEND_DISCOUNT_CREATED, always=True)
    shopify.answer("SetiaRedeemCodesAdd", CODES_ADDED, always=True)
    shop = shops.make(settings=referral_settings())
    set_shop(app, shop["id"], language=language, name="Toko Budi")
    storefront.pages["/"] = (
        f"<html lang='{language}'><body><h1>Shop</h1>{script_tag(app, shop, live_url, JANE)}</body></html>"
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=storefront.origin)
    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    text = wait_text(page, ".refer", title)
    url = page.evaluate("document.querySelector('#setia-loyalty').shadowRoot.querySelector('.refer input').value")
    assert url.startswith("https://setia.test/ref/REF-")
    assert ("500" in text) and ("15%" in text)
    links = hrefs(page)
    assert set(links) == {"WhatsApp", "Email", "Facebook", "X"}
    whatsapp = urlsplit(links["WhatsApp"])
    assert (whatsapp.scheme, whatsapp.netloc, whatsapp.path) == ("https", "wa.me", "/")
    assert parse_qs(whatsapp.query)["text"] == [message + url]
    assert parse_qs(urlsplit(links["Facebook"]).query)["u"] == [url]
    assert parse_qs(urlsplit(links["X"]).query)["text"] == [message + url]
    assert links["Email"].startswith("mailto:?subject=")
    copy = "Copy link" if language == "en" else "Salin tautan"
    page.locator("#setia-loyalty").get_by_role("button", name=copy).click()
    wait_text(page, ".refer", "Link copied" if language == "en" else "Tautan disalin")
    assert page.evaluate("navigator.clipboard.readText()") == url
    shoot(page, f"widget-referral-{language}")
    assert page.errors == []


def test_no_share_panel_when_referrals_are_off(app, shops, shopify, live_url, storefront: Storefront, page):
    shop = shops.make(settings=referral_settings(enabled=False))
    storefront.pages["/"] = f"<html lang='en'><body>{script_tag(app, shop, live_url, JANE)}</body></html>"
    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    wait_text(page, ".issued", "No codes yet.")
    assert shadow_text(page, ".refer") == "" and shopify.calls == []


def test_a_friend_who_arrived_with_the_code_finds_it_under_my_codes(
    app, client, shops, shopify, deliver, live_url, storefront: Storefront, page
):
    from tests.deliveries import fake30
    from tests.referral_helpers import friend_code

    shopify.answer("SetiaDiscountCreate", FRIEND_DISCOUNT_CREATED, always=True)
    shopify.answer("SetiaRedeemCodesAdd", CODES_ADDED, always=True)  # Jane's own code, for her share panel
    shop = shops.make(settings=referral_settings())
    code = friend_code(client, app, shop, customer="7001")["code"]
    deliver("orders/paid", fake30())  # Jane is a member
    storefront.pages["/"] = f"<html lang='en'><body>{script_tag(app, shop, live_url, JANE)}</body></html>"
    # What Shopify's /discount/<code> link leaves on the storefront.
    page.context.add_cookies([{"name": "discount_code", "value": code, "url": storefront.origin}])
    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    assert code in wait_text(page, ".issued", code)
    assert page.errors == []

"""Embedded in the Shopify admin, in a real Chromium: App Bridge (served by the test in place of
Shopify's CDN, with the one call the pages use, `shopify.idToken()`) signs every fetch; a save and
a link inside the page keep the page signed in with a fresh id_token, and no cookie is ever set."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from integrator.loyalty.models import SettingsChange, Shop
from integrator.loyalty.settings import current_settings
from tests.integration.test_shopify_install import oauth_shop, session_token

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


def test_an_embedded_merchant_saves_settings_and_moves_between_pages(app, live_url, page):
    page.set_default_timeout(10_000)
    shop_id = oauth_shop(app, expires_in=3600)
    issued: list[str] = []

    def app_bridge(route):
        token = session_token()
        issued.append(token)
        script = f"window.shopify = {{ idToken: async () => {json.dumps(token)} }};"
        route.fulfill(body=script, content_type="application/javascript")

    page.route("https://cdn.shopify.com/shopifycloud/app-bridge.js", app_bridge)
    first = session_token()
    page.goto(f"{live_url}/admin/settings?shop=setia-test.myshopify.com&host=aG9zdA&id_token={first}")
    assert page.locator("#settings-form").count() == 1 and page.locator("form.logout").count() == 0
    page.fill("[name=points_per_unit]", "4")
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector("#settings-status:has-text('Settings saved.')")
    token = parse_qs(urlsplit(page.url).query)["id_token"][0]
    assert "host=aG9zdA" in page.url and token != first and token in issued  # a fresh one from App Bridge

    page.click("nav a[href='/admin/rewards']")
    page.wait_for_selector("#new-reward")
    assert page.url.startswith(f"{live_url}/admin/rewards?") and "host=aG9zdA" in page.url

    assert page.context.cookies() == []
    assert page.errors == []
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None and current_settings(shop)["points_per_unit"] == "4"
        [change] = session.execute(select(SettingsChange)).scalars().all()
        assert change.actor == "shopify:77"

"""The merchant's settings page in a real Chromium: sign in with a login link, change a rule, save
with the page's own JavaScript (under its Content-Security-Policy), see the result through the API."""

from __future__ import annotations

from integrator.admin import login_links
from tests.conftest import Api


def test_a_merchant_changes_the_cashback_rate_from_the_settings_page(app, client, shop, live_url, page):
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop["id"])
    page.goto(f"{live_url}/admin/login/{token}")
    assert page.url.endswith("/admin/settings")
    page.fill("[name=cashback_percent]", "5")
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector("#settings-status:has-text('Settings saved.')", timeout=10_000)
    assert page.errors == []  # the page's script ran under its Content-Security-Policy, without errors
    assert Api(client, shop["api_key"]).get("/settings").json["cashback_percent"] == "5"


def test_an_invalid_value_is_shown_next_to_its_field_and_nothing_changes(app, client, shop, live_url, page):
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop["id"])
    page.goto(f"{live_url}/admin/login/{token}")
    page.fill("[name=cashback_percent]", "150")
    page.click("#settings-form button[type=submit]")
    error = page.wait_for_selector("[data-error-for=cashback_percent]:not([hidden])", timeout=10_000)
    assert error.inner_text().strip()
    assert Api(client, shop["api_key"]).get("/settings").json["cashback_percent"] == "2"

"""The ways-to-earn page in a real Chromium: bonuses and a social profile saved (a wrong profile
address refused next to its field first), a custom action created and removed, the preview showing
what shoppers see; and the page in Indonesian."""

from __future__ import annotations

from tests.conftest import Api

from .test_settings_page import sign_in


def test_a_merchant_sets_the_ways_to_earn(app, client, shop, live_url, page):
    page.set_default_timeout(10_000)
    sign_in(app, page, live_url, shop["id"], "/admin/earn")
    api = Api(client, shop["api_key"])
    form = page.locator("#earn-settings")
    form.locator("[name='bonus.signup_points']").fill("50")
    form.locator("[name='bonus.social_points']").fill("10")
    form.locator("[name='social.instagram_url']").fill("https://evil.example/tokobudi")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#earn-settings [data-error-for='social.instagram_url']:not([hidden])")
    assert api.get("/settings").json["bonus"]["signup_points"] == 0  # nothing saved

    form.locator("[name='social.instagram_url']").fill("https://www.instagram.com/tokobudi")
    with page.expect_navigation(wait_until="load"):
        form.locator("button[type=submit]").click()
    page.wait_for_selector("#earn-status:has-text('Settings saved.')")
    settings = api.get("/settings").json
    assert (settings["bonus"]["signup_points"], settings["social"]["instagram_url"]) == (
        50,
        "https://www.instagram.com/tokobudi",
    )
    preview = page.locator("#preview").inner_text()
    assert "Create an account" in preview and "Follow us on Instagram" in preview

    new = page.locator("#new-action")
    new.locator("[name=name]").fill("product_review")
    new.locator("[name=points]").fill("25")
    new.locator("[name=limit]").fill("2")
    new.locator("[name=period]").select_option("month")
    with page.expect_navigation(wait_until="load"):
        new.locator("button[type=submit]").click()
    page.wait_for_selector("#earn-status:has-text('Action created.')")
    [action] = api.get("/actions").json["items"]
    assert (action["name"], action["points"], action["limit"], action["period"]) == ("product_review", 25, 2, "month")
    assert "up to 2 times per month" in page.locator(f"#action-{action['id']}").inner_text()
    with page.expect_navigation(wait_until="load"):
        page.locator(f"#action-{action['id']} button[data-delete]").click()
    page.wait_for_selector("#earn-status:has-text('Action removed')")
    assert api.get("/actions").json["items"] == []

    page.goto(f"{live_url}/admin/language/id")
    page.goto(f"{live_url}/admin/earn")
    assert page.locator("h1").inner_text() == "Cara mendapatkan poin"
    assert "Ikuti kami di Instagram" in page.locator("#preview").inner_text()

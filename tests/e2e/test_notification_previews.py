"""In a real Chromium: the notifications page links a preview of every shopper email in English and
Indonesian; each preview opens as the member would see it, in its language, with the shop's colour
applied by the email's own inline styles (the preview's policy allows them, and nothing else)."""

from __future__ import annotations

import pytest

from integrator.admin import login_links


@pytest.mark.parametrize(
    ("language", "heading", "unsubscribe"),
    [
        ("en", "120 points for your order #1001", "Unsubscribe"),
        ("id", "120 poin untuk pesanan #1001", "Berhenti berlangganan"),
    ],
)
def test_the_email_previews_in_english_and_indonesian(app, shops, live_url, page, language, heading, unsubscribe):
    page.set_default_timeout(10_000)
    shop = shops.make(settings={"widget": {"accent_color": "#aa3300"}})
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop["id"])
    page.goto(f"{live_url}/admin/login/{token}")
    page.click("nav a[href='/admin/notifications']")
    page.wait_for_url(f"{live_url}/admin/notifications")
    assert page.locator("a[data-preview]").count() == 14
    with page.context.expect_page() as opened:
        page.click(f"a[data-preview='points_earned-{language}']")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator("html").get_attribute("lang") == language
    assert preview.locator("h1").inner_text() == heading
    colour = preview.locator("h1").evaluate("element => getComputedStyle(element).color")
    assert colour == "rgb(170, 51, 0)"  # the shop's accent colour, from the email's inline style
    assert preview.get_by_role("link", name=unsubscribe).count() == 1
    assert page.errors == [] and preview.locator("script").count() == 0

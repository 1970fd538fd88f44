"""In a real Chromium: a login link opens the home page's checklist, "Keep this rule" ticks its step,
the connection's status refreshes itself, the navigation leads to the other pages, and Log out ends
the session (the pages are gone)."""

from __future__ import annotations

from datetime import UTC, datetime

from integrator.admin import login_links
from tests.integration.test_admin_home_page import deliver


def test_home_navigation_and_logout(app, shops, live_url, page):
    page.set_default_timeout(10_000)
    page.clock.install()  # the page's 30-second status refresh, run on demand
    shop = shops.make(settings={})
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop["id"])
    page.goto(f"{live_url}/admin/login/{token}")
    assert page.url == f"{live_url}/admin/"
    assert page.locator("[data-step=earning_rule_set]").get_attribute("data-done") == "false"
    # The click reloads the page. Its ticked step is in the HTML before the page's deferred scripts
    # have run, so waiting for that element alone let run_for() below advance the clock before the
    # new page had armed its 30-second timer (then nothing ever refreshed: 1 run in 2 failed). The
    # navigation's load event comes after those scripts.
    with page.expect_navigation(wait_until="load"):
        page.click("#confirm-earning button")
    assert page.locator("[data-step=earning_rule_set]").get_attribute("data-done") == "true"
    assert "2 of 5 steps done." in page.inner_text("main")
    assert page.inner_text("#connection-status") == "Waiting for the first delivery"
    deliver(app, shop["id"], "failed", datetime(2026, 12, 1, 8, 0, tzinfo=UTC), 1)
    page.clock.run_for(31_000)
    page.wait_for_selector("#failed-deliveries:text-is('1')")
    assert page.inner_text("#connection-status") == "Needs attention"
    assert page.inner_text("#last-delivery") == "Dec 1, 2026, 8:00:00\u202fAM UTC"

    page.click("nav a[href='/admin/rewards']")
    page.wait_for_url(f"{live_url}/admin/rewards")
    assert page.locator("nav a[aria-current=page]").inner_text() == "Rewards"

    page.click("button:has-text('Log out')")
    page.wait_for_url(f"{live_url}/admin/login?signed_out=1")
    assert "You have signed out." in page.inner_text("main")
    for path in ("/admin/", "/admin/settings", "/admin/rewards"):
        page.goto(f"{live_url}{path}")
        assert page.url == f"{live_url}/admin/login", path
        assert "You are not signed in." in page.inner_text("main")
    assert page.errors == []

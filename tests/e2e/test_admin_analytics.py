"""The analytics dashboard in a real Chromium: signed in with a login link, after real deliveries and
the scheduled aggregation jobs, the page shows its numbers and its three charts (SVG images drawn by
pygal at signed URLs, loaded and drawn) under the page's Content-Security-Policy without a script or
policy error; a reversed range is answered next to the filter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from integrator import analytics_jobs
from integrator.admin import login_links
from tests.conftest import drain
from tests.deliveries import fake30, fixture, with_changes


def test_a_merchant_opens_the_dashboard_and_sees_the_charts(app, shop, deliver, live_url, page):
    # Paid yesterday, whatever today is: the fixtures' own dates (2025) leave the dashboard's longest
    # range (731 days) in April 2027.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    deliver("orders/paid", with_changes(fake30(), processed_at=yesterday, updated_at=yesterday))  # a member's: 181.09
    guest = fixture("orders_paid__paid_guest_no_customer")
    deliver("orders/paid", with_changes(guest, processed_at=yesterday, updated_at=yesterday))  # a guest's: 199.00
    analytics_jobs.refresh_recent()
    analytics_jobs.refresh_snapshots()
    drain()
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop["id"])
    page.goto(f"{live_url}/admin/login/{token}")
    today = datetime.now(UTC).date()
    page.goto(f"{live_url}/admin/analytics?from={today - timedelta(days=2)}&to={today}")
    assert page.locator("[data-kpi=members] strong").inner_text() == "1"
    assert page.locator("[data-row=revenue] td").all_inner_texts() == ["$181.09", "$199.00"]
    charts = page.locator("figure.chart img")
    assert charts.count() == 3
    for index in range(3):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=chart.element_handle(), timeout=10_000)
        assert chart.evaluate("img => img.naturalWidth") > 0  # the signed SVG loaded and was drawn
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 50  # shown, not collapsed
    assert page.locator("[data-chart=revenue] img").get_attribute("alt") == "Revenue per day"
    page.fill("#from", "2026-06-02")
    page.fill("#to", "2026-06-01")
    page.click("form.range button[type=submit]")
    error = page.wait_for_selector("[data-error-for=from]", timeout=10_000)
    assert error.is_visible() and error.inner_text().strip()
    assert page.errors == []  # no script error, nothing refused by the Content-Security-Policy

"""axe-core on every merchant page, signed in with a login link: the home page, settings, rewards,
tiers and campaigns, ways to earn, members, a member, the import form and an import's report,
referrals, analytics, notifications, webhooks and API keys, in English and in Indonesian, and the
sign-in notice, show no WCAG 2.1 A/AA violation. A page added to the merchant pages without being
added here fails test_every_merchant_page_is_checked."""

from __future__ import annotations

from typing import Any

import pytest

from integrator.loyalty.webhook_endpoints import create_endpoint
from tests.conftest import Api
from tests.deliveries import fake30

from .accessibility import axe_violations
from .english import english_left
from .test_admin_members import JANE_ID, sign_in, upload_and_check

PAGES = [
    "/admin/",
    "/admin/settings",
    "/admin/rewards",
    "/admin/tiers",
    "/admin/earn",
    "/admin/members",
    "member",
    "/admin/members/import",
    "import-report",
    "/admin/referrals",
    "/admin/analytics",
    "/admin/notifications",
    "/admin/webhooks",
    "webhook-log",
    "/admin/api-keys",
    "/admin/unboxing",
    "/admin/unboxing/print",
]
# What is not a page of its own: files, images, JSON, redirects, and the sign-in link itself.
NOT_PAGES = {
    "admin.static",
    "admin.analytics_csv",
    "admin.analytics_chart",
    "admin.connection_status",
    "admin.export_members",
    "admin.export_ledger",
    "admin.choose_language",
    "admin.login_with_link",
    "admin.revoke_reloaded",
    "admin.preview_email",  # an email's own HTML, framed by /admin/notifications (test_notification_previews)
}


def test_every_merchant_page_is_checked(app: Any) -> None:
    endpoints = {
        rule.endpoint: rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin") and "GET" in (rule.methods or ())
    }
    checked = {"admin.member_page", "admin.import_report", "admin.webhook_log", "admin.login_notice"}  # by name
    for endpoint, rule in endpoints.items():
        assert endpoint in NOT_PAGES or endpoint in checked or rule in PAGES, endpoint


def test_axe_finds_no_wcag_violation_on_the_sign_in_notice(live_url: str, page: Any) -> None:
    page.goto(live_url + "/admin/login")
    assert axe_violations(page) == []
    assert page.errors == []


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_wcag_violation_on_the_merchant_page(
    app: Any, client: Any, shop: dict[str, Any], deliver: Any, live_url: str, page: Any, path: str, language: str
) -> None:
    api = Api(client, shop["api_key"])
    deliver("orders/paid", fake30())
    reward = {"name": "Rp 10.000 off", "points_cost": 100, "kind": "fixed_amount", "value": "5.00"}
    assert api.post("/rewards", reward).status_code == 201
    if path == "/admin/tiers":  # a tier and a campaign, so that its lists and tables are there too
        assert api.post("/tiers", {"name": "Gold", "threshold": "100", "multiplier": "2"}).status_code == 201
        window = {"starts_at": "2026-11-21T00:00:00+07:00", "ends_at": "2026-11-23T00:00:00+07:00"}
        assert api.post("/campaigns", {"name": "Weekend", "multiplier": "2", **window}).status_code == 201
    if path == "member":
        path = f"/admin/members/{api.member(JANE_ID)['id']}"
    if path == "webhook-log":  # an endpoint's delivery log (on a documentation address: never reached)
        with app.extensions["setia_db"].session() as session:
            secret = app.extensions["setia_box"].encrypt("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")
            endpoint = create_endpoint(session, shop["id"], "https://192.0.2.1/hook", ["points.earned"], secret)
        path = f"/admin/webhooks/{endpoint.id}"
    sign_in(app, page, live_url, shop["id"])
    page.goto(f"{live_url}/admin/language/{language}")
    if path == "import-report":
        upload_and_check(page, live_url)  # the report of a checked file
        path = page.url.removeprefix(live_url)
        assert path.startswith("/admin/members/imports/")
    page.goto(live_url + path)
    assert page.url.endswith(path)
    assert page.locator("html").get_attribute("lang") == language
    if language == "id":
        assert english_left(page) == []  # no English fallback on an Indonesian page
    assert axe_violations(page) == []
    assert page.errors == []

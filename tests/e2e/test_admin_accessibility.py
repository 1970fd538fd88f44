"""axe-core on every merchant page, signed in with a login link: the home page, settings, rewards,
tiers and campaigns, members, a member and analytics show no WCAG 2.1 A/AA violation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.deliveries import fake30

from .accessibility import axe_violations
from .test_admin_members import JANE_ID, sign_in

PAGES = ["/admin/", "/admin/settings", "/admin/rewards", "/admin/tiers", "/admin/members", "member", "/admin/analytics"]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_wcag_violation_on_the_merchant_page(
    app: Any, client: Any, shop: dict[str, Any], deliver: Any, live_url: str, page: Any, path: str
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
    sign_in(app, page, live_url, shop["id"])
    page.goto(live_url + path)
    assert page.url.endswith(path)
    assert axe_violations(page) == []
    assert page.errors == []

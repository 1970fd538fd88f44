"""axe-core on every merchant page, signed in with a login link: the home page, settings, rewards,
members, a member and analytics show no WCAG 2.1 A/AA violation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.deliveries import fake30

from .accessibility import axe_violations
from .test_admin_members import JANE_ID, sign_in

PAGES = [
    "/admin/",
    "/admin/settings",
    "/admin/rewards",
    "/admin/earn",
    "/admin/members",
    "member",
    "/admin/referrals",
    "/admin/analytics",
]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_wcag_violation_on_the_merchant_page(
    app: Any, client: Any, shop: dict[str, Any], deliver: Any, live_url: str, page: Any, path: str
) -> None:
    api = Api(client, shop["api_key"])
    deliver("orders/paid", fake30())
    reward = {"name": "Rp 10.000 off", "points_cost": 100, "kind": "fixed_amount", "value": "5.00"}
    assert api.post("/rewards", reward).status_code == 201
    if path == "member":
        path = f"/admin/members/{api.member(JANE_ID)['id']}"
    sign_in(app, page, live_url, shop["id"])
    page.goto(live_url + path)
    assert page.url.endswith(path)
    assert axe_violations(page) == []
    assert page.errors == []

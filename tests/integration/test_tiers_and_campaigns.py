"""VIP tiers and campaigns on real Shopify payloads: entering a tier moves the NEXT order to its
multiplier, a refunded qualifying order drops the tier at the hourly recalculation, a 2× campaign
counts by the order's paid time in the shop's time zone, multiplied orders give back in proportion,
and the ledger stays exact after each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from integrator import periodic
from tests.conftest import Api, Deliverer
from tests.deliveries import fake30, fixture, money_set, with_changes
from tests.integration.test_widget_api import signed, widget_secret

pytestmark = pytest.mark.usefixtures("ledger_checked")

CUSTOMER = "1073339475"  # fake30's customer
JAKARTA = ZoneInfo("Asia/Jakarta")


def order(order_id: int, subtotal: str, paid: datetime | None = None, **changes: Any) -> dict[str, Any]:
    """fake30 (paid, customer 1073339475) as another order with this subtotal and paid time."""
    moment = (paid or datetime(2026, 11, 20, 3, 0, tzinfo=UTC)).isoformat()
    values = {"updated_at": moment, **changes}
    return with_changes(
        fake30(),
        id=order_id,
        name=f"#{order_id}",
        current_subtotal_price_set=money_set(subtotal),
        processed_at=moment,
        **values,
    )


def refund(order_id: int, refund_id: int, subtotal: str) -> dict[str, Any]:
    body = fixture("refunds_create__generic_sample")
    line = dict(body["refund_line_items"][0], subtotal_set=money_set(subtotal))
    body.update(id=refund_id, order_id=order_id, refund_line_items=[line])
    return body


def points(api: Api) -> int:
    member = api.member(CUSTOMER)
    assert member is not None
    return int(member["points_available"])


def recalculate(app: Flask) -> int:
    with app.app_context():
        return periodic.recalculate_tiers()


def add_tier(api: Api, name: str, threshold: str, multiplier: str) -> int:
    response = api.post("/tiers", {"name": name, "threshold": threshold, "multiplier": multiplier})
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def test_crossing_a_spend_threshold_enters_the_tier_and_the_next_order_earns_at_its_multiplier(
    api: Api, deliver: Deliverer, client: FlaskClient, app: Flask, shop: dict[str, Any]
) -> None:
    add_tier(api, "Silver", "100", "1.5")
    add_tier(api, "Gold", "1000", "2")
    deliver("orders/paid", order(501, "181.09"))  # 181 points at no tier; crosses 100
    member = api.member(CUSTOMER)
    assert member is not None and member["tier"] == "Silver"
    assert member["points_available"] == 181  # the crossing order itself earns at the tier it started at
    deliver("orders/paid", order(502, "200.00"))
    assert points(api) == 181 + 300  # floor(200 × 1 × 1.5)
    me = client.get(f"/widget/v1/{shop['public_id']}/me", query_string=signed(CUSTOMER, widget_secret(app, shop["id"])))
    assert me.json["tier"] == {"name": "Silver", "next": {"name": "Gold", "remaining": "618.91"}}
    # A replayed delivery of the first order changes nothing, though the member is Silver now.
    deliver("orders/updated", order(501, "181.09"))
    assert points(api) == 481
    assert recalculate(app) == 0


def test_a_full_refund_of_the_qualifying_order_drops_the_tier_at_the_recalculation(
    api: Api, deliver: Deliverer, app: Flask
) -> None:
    add_tier(api, "Silver", "100", "1.5")
    deliver("orders/paid", order(601, "181.09"))
    deliver("refunds/create", refund(601, 6011, "181.09"))
    member = api.member(CUSTOMER)
    assert member is not None and member["points_available"] == 0
    assert member["tier"] == "Silver"  # drops wait for the recalculation
    assert recalculate(app) == 1
    member = api.member(CUSTOMER)
    assert member is not None and member["tier"] is None
    # The next order earns at the plain rate again.
    deliver("orders/paid", order(602, "50.00"))
    assert points(api) == 50


def test_a_tier_is_kept_for_the_window_after_qualifying_and_spending_points_never_drops_it(
    api: Api, deliver: Deliverer, app: Flask
) -> None:
    api.patch("/settings", {"tiers": {"window": "rolling_year"}})
    add_tier(api, "Silver", "100", "1")
    paid = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    with time_machine.travel(paid, tick=False):
        deliver("orders/paid", order(701, "181.09", paid))
    reward = api.post("/rewards", {"name": "5 off", "points_cost": 100, "kind": "fixed_amount", "value": "5"})
    assert reward.status_code == 201
    with time_machine.travel(paid + timedelta(days=200), tick=False):
        assert recalculate(app) == 0  # the order left no window yet
    with time_machine.travel(paid + timedelta(days=364), tick=False):
        assert recalculate(app) == 0  # kept for the window after qualifying
    with time_machine.travel(paid + timedelta(days=366), tick=False):
        assert recalculate(app) == 1  # the year after qualifying is over and nothing counts now
    member = api.member(CUSTOMER)
    assert member is not None and member["tier"] is None


def test_a_campaign_doubles_an_order_paid_inside_it_and_not_one_paid_a_second_after_it_ends(
    api: Api, deliver: Deliverer
) -> None:
    # The weekend of 21-22 November in Jakarta (UTC+7): it ends at midnight local, 17:00 UTC.
    body = {
        "name": "Weekend double",
        "starts_at": "2026-11-21T00:00:00+07:00",
        "ends_at": "2026-11-23T00:00:00+07:00",
        "multiplier": "2",
    }
    created = api.post("/campaigns", body)
    assert created.status_code == 201, created.json
    last_second = datetime(2026, 11, 23, 0, 0, tzinfo=JAKARTA) - timedelta(seconds=1)
    with time_machine.travel(last_second, tick=False):
        deliver("orders/paid", order(801, "100.00", last_second))
    assert points(api) == 200
    after = last_second + timedelta(seconds=1)
    with time_machine.travel(after, tick=False):
        deliver("orders/paid", order(802, "100.00", after))
    assert points(api) == 300
    first_second = datetime(2026, 11, 21, 0, 0, tzinfo=JAKARTA)
    with time_machine.travel(first_second, tick=False):
        deliver("orders/paid", order(803, "10.00", first_second))
    assert points(api) == 320


def test_refunds_of_a_multiplied_order_take_back_in_proportion(api: Api, deliver: Deliverer) -> None:
    add_tier(api, "Silver", "0", "1.5")  # everyone who has earned is Silver
    api.post(
        "/campaigns",
        {"name": "Triple", "starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z", "multiplier": "3"},
    )
    deliver("orders/paid", order(901, "10.00"))  # no tier yet: × 3 = 30; enters Silver
    assert points(api) == 30
    deliver("orders/paid", order(902, "101.00"))  # Silver 1.5 × campaign 3 = 4.5: floor(454.5)
    assert points(api) == 30 + 454
    deliver("refunds/create", refund(902, 9021, "50.50"))  # half back: holds floor(50.50 × 4.5) = 227
    assert points(api) == 30 + 227
    # The rate and multiplier were fixed at the first earning: a later change rewrites nothing.
    api.patch("/settings", {"points_per_unit": "5"})
    deliver("refunds/create", refund(902, 9022, "50.50"))
    assert points(api) == 30
    member = api.member(CUSTOMER)
    assert member is not None and member["lifetime_points"] == 30


def test_bonus_points_of_campaigns_add_and_the_highest_multiplier_applies(api: Api, deliver: Deliverer) -> None:
    window = {"starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"}
    api.post("/campaigns", {"name": "Double", "multiplier": "2", **window})
    api.post("/campaigns", {"name": "Triple", "multiplier": "3", **window})
    api.post("/campaigns", {"name": "Ten more", "bonus_points": 10, **window})
    api.post("/campaigns", {"name": "Big orders", "bonus_points": 500, "min_order": "1000", **window})
    api.post("/campaigns", {"name": "Other product", "bonus_points": 700, "product_ids": ["1"], **window})
    api.post("/campaigns", {"name": "This product", "bonus_points": 5, "product_ids": ["921728736"], **window})
    deliver("orders/paid", order(1001, "20.00"))
    assert points(api) == 60 + 10 + 5
    cancelled = {"cancelled_at": "2026-11-20T05:00:00Z", "updated_at": "2026-11-20T05:00:00Z"}
    deliver("orders/cancelled", order(1001, "20.00", **cancelled))
    assert points(api) == 0  # a cancelled order earns nothing, bonus included


def test_with_the_points_basis_a_tier_counts_points_earned_net_of_takebacks_never_spending(
    api: Api, deliver: Deliverer, app: Flask
) -> None:
    assert api.patch("/settings", {"tiers": {"basis": "points"}}).json["tiers"] == {
        "basis": "points",
        "window": "lifetime",
    }
    assert api.post("/tiers", {"name": "Silver", "threshold": "150.5", "multiplier": "2"}).status_code == 422
    add_tier(api, "Silver", "150", "2")
    deliver("orders/paid", order(1101, "149.99"))  # 149 points: below
    member = api.member(CUSTOMER)
    assert member is not None and member["tier"] is None
    deliver("orders/paid", order(1102, "1.00"))  # 150 points earned: Silver
    member = api.member(CUSTOMER)
    assert member is not None and member["tier"] == "Silver"
    adjusted = api.post(
        f"/members/{member['id']}/adjustments", {"points": -100, "reason": "spent", "idempotency_key": "k1"}
    )
    assert adjusted.status_code in (200, 201)
    assert recalculate(app) == 0  # taking points away is no takeback of earnings
    deliver("refunds/create", refund(1101, 11011, "10.00"))  # 10 points taken back: 140 earned
    assert recalculate(app) == 1
    member = api.member(CUSTOMER)
    assert member is not None and member["tier"] is None

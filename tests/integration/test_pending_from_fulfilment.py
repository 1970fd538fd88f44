"""Pending points with a date, and the merchant's choice to start the pending days at fulfilment
(`pending_from: "fulfilled"`), with Shopify's real order payload: the points wait, dateless, until
the order is fulfilled (orders/fulfilled), then vest `pending_days` later through the usual job;
the widget's `me`, its history and the merchant API show when. `ledger verify` clean after each."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from integrator import periodic
from integrator.loyalty import orders
from integrator.loyalty.models import utcnow
from tests.deliveries import fake30, with_changes
from tests.integration.test_widget_api import signed, widget_secret

pytestmark = pytest.mark.usefixtures("ledger_checked")

JANE = "1073339475"


def recent_order(**changes: Any) -> dict[str, Any]:
    now = utcnow().isoformat()
    values = {"id": 777, "name": "#1777", "processed_at": now, "updated_at": now, **changes}
    return with_changes(fake30(), **values)


def me(client: Any, app: Flask, shop: dict[str, Any]) -> dict[str, Any]:
    query = signed(JANE, widget_secret(app, shop["id"]))
    answer = client.get(f"/widget/v1/{shop['public_id']}/me", query_string=query)
    assert answer.status_code == 200
    return answer.json


def test_points_wait_for_fulfilment_then_vest_pending_days_later(
    deliver: Any, api: Any, client: Any, app: Flask, shop: Any
) -> None:
    assert api.patch("/settings", {"pending_days": 14, "pending_from": "fulfilled"}).status_code == 200
    deliver("orders/paid", recent_order())
    member = api.member(JANE)
    assert (member["points_available"], member["points_pending"]) == (0, 181)
    (line,) = me(client, app, shop)["pending"]
    assert (line["order"], line["points"], line["available_at"], line["waits_for"]) == (
        "#1777",
        181,
        None,
        "fulfilment",
    )
    with app.extensions["setia_db"].session() as session:
        assert orders.vest_due(session, now=utcnow() + timedelta(days=400)) == 0  # never before fulfilment
    fulfilled_at = utcnow() + timedelta(days=2)
    fulfilled = recent_order(
        fulfillment_status="fulfilled",
        fulfillments=[{"id": 1, "created_at": fulfilled_at.isoformat(), "status": "success"}],
        updated_at=fulfilled_at.isoformat(),
    )
    deliver("orders/fulfilled", fulfilled)
    (line,) = me(client, app, shop)["pending"]
    due = fulfilled_at + timedelta(days=14)
    assert line["available_at"][:16] == due.isoformat()[:16] and line["waits_for"] is None
    api_lines = api.get(f"/members/{member['id']}/pending").json["items"]
    assert api_lines[0]["available_at"] == line["available_at"]
    assert periodic.vest() == 0
    with app.extensions["setia_db"].session() as session:
        assert orders.vest_due(session, now=due - timedelta(minutes=1)) == 0
        assert orders.vest_due(session, now=due + timedelta(minutes=1)) == 1
    member = api.member(JANE)
    assert (member["points_available"], member["points_pending"]) == (181, 0)
    assert me(client, app, shop)["pending"] == []


def test_cancelled_before_fulfilment_takes_the_pending_points_back(deliver: Any, api: Any) -> None:
    api.patch("/settings", {"pending_days": 0, "pending_from": "fulfilled"})
    deliver("orders/paid", recent_order())
    assert api.member(JANE)["points_pending"] == 181
    later = (utcnow() + timedelta(hours=1)).isoformat()
    deliver("orders/cancelled", recent_order(cancelled_at=later, updated_at=later))
    member = api.member(JANE)
    assert (member["points_available"], member["points_pending"]) == (0, 0)


def test_an_order_fulfilled_when_paid_with_no_pending_days_is_available_at_once(deliver: Any, api: Any) -> None:
    api.patch("/settings", {"pending_from": "fulfilled"})
    now = utcnow().isoformat()
    deliver("orders/paid", recent_order(fulfillment_status="fulfilled", fulfillments=[{"id": 2, "created_at": now}]))
    member = api.member(JANE)
    assert (member["points_available"], member["points_pending"]) == (181, 0)


def test_pending_from_payment_shows_its_date_in_me_and_history(
    deliver: Any, api: Any, client: Any, app: Flask, shop: Any
) -> None:
    api.patch("/settings", {"pending_days": 7})
    deliver("orders/paid", recent_order())
    (line,) = me(client, app, shop)["pending"]
    assert line["available_at"] is not None and line["waits_for"] is None
    query = signed(JANE, widget_secret(app, shop["id"]))
    history = client.get(f"/widget/v1/{shop['public_id']}/history", query_string=query).json["items"]
    pending = [item for item in history if item["state"] == "pending" and item["account"] == "points"]
    assert pending and pending[0]["available_at"][:16] == line["available_at"][:16]


def test_pending_from_must_be_paid_or_fulfilled(api: Any) -> None:
    assert api.patch("/settings", {"pending_from": "shipped"}).status_code == 422
    assert api.get("/settings").json["pending_from"] == "paid"

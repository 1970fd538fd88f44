"""WooCommerce enrolment: a user with the `customer` role is a member from `customer.created`, with
the sign-up bonus once; other roles are no accounts for the programme. WooCommerce core keeps no
newsletter consent, so no newsletter bonus there. `ledger verify` clean after each."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Api
from tests.woocommerce_deliveries import connected_store, deliver_to, fixture

pytestmark = pytest.mark.usefixtures("ledger_checked")

IDS = itertools.count(1)


@pytest.fixture()
def api(app: Flask, client: FlaskClient) -> Api:
    store = connected_store(app, {"bonus": {"signup_points": 40, "newsletter_points": 10}})
    return Api(client, store["api_key"])


def deliver(client: FlaskClient, topic: str, payload: dict[str, Any]) -> None:
    deliver_to(client, topic, payload, f"{next(IDS):032x}")


def test_a_customer_account_is_enrolled_with_the_signup_bonus_once(client: FlaskClient, api: Api) -> None:
    user = fixture("customer.created__customer")
    assert user["role"] == "customer"
    deliver(client, "customer.created", user)
    deliver(client, "customer.created", user)  # a retried delivery
    deliver(client, "customer.updated", user)
    member = api.member("25")
    assert member is not None
    assert (member["email"], member["points_available"]) == ("john.doe@example.com", 40)


def test_a_user_of_another_role_is_no_member(client: FlaskClient, api: Api) -> None:
    deliver(client, "customer.created", {**fixture("customer.created__customer"), "role": "subscriber"})
    assert api.get("/members").json["items"] == []


def test_with_pending_from_fulfilment_a_woocommerce_order_waits_for_completed(
    client: FlaskClient, api: Api, app: Flask
) -> None:
    from datetime import timedelta

    from integrator.loyalty import orders
    from integrator.loyalty.models import utcnow

    assert (
        api.patch("/settings", {"points_per_unit": "1", "pending_days": 7, "pending_from": "fulfilled"}).status_code
        == 200
    )
    paid = fixture("order.created__processing_customer_coupon")  # processing, paid by card: 30.00 of lines
    deliver(client, "order.created", paid)
    member = api.member("11")
    assert (member["points_available"], member["points_pending"]) == (0, 30)
    assert api.get(f"/members/{member['id']}/pending").json["items"][0]["waits_for"] == "fulfilment"
    completed_at = (utcnow() - timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%S")
    done = {
        **paid,
        "status": "completed",
        "date_completed_gmt": completed_at,
        "date_modified_gmt": "2018-04-04T10:00:00",
    }
    deliver(client, "order.updated", done)
    # Completed 8 days ago, 7 pending days: available at once.
    member = api.member("11")
    assert (member["points_available"], member["points_pending"]) == (30, 0)
    with app.extensions["setia_db"].session() as session:
        assert orders.vest_due(session, now=utcnow()) == 0

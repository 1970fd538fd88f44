"""Coupons on a WooCommerce store through the REST API, limited to the shopper's billing email: the
unboxing coupon of a paid order (made once, whatever the deliveries), and a reward redeemed through
the widget API (one coupon with the reward's terms; a refusal gives the points back)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from integrator import periodic
from integrator.loyalty.models import Coupon, Shop, utcnow
from tests.conftest import Api, drain
from tests.fake_woocommerce import FakeWooCommerce, fake_woocommerce
from tests.integration.test_rewards_and_redemptions import signed
from tests.unboxing_orders import cards_of
from tests.woocommerce_deliveries import STORE_API, connected_store, deliver_to, fixture

pytestmark = pytest.mark.usefixtures("ledger_checked")

API = STORE_API
CODE = re.compile(r"^SETIA-[A-Z2-9]{4}-[A-Z2-9]{4}$")
UNBOXING = {"unboxing": {"enabled": True, "discount_percent": "15", "expires_days": 14}}


@pytest.fixture()
def store(app: Flask) -> dict[str, Any]:
    """A connected store with unboxing coupons on (15 %, 14 days)."""
    return connected_store(app, UNBOXING)


@pytest.fixture()
def woo() -> Iterator[FakeWooCommerce]:
    with fake_woocommerce() as store:
        yield store


def test_a_paid_order_gets_one_coupon_limited_to_the_billing_email(app, client, store, woo):
    order = fixture("order.created__processing_customer_coupon")
    deliver_to(client, "order.created", order, "d1")
    deliver_to(client, "order.created", order, "d2")  # the same state again, another delivery
    deliver_to(
        client, "order.updated", {**order, "status": "completed", "date_modified_gmt": "2030-01-01T00:00:00"}, "d3"
    )
    [body] = woo.posted
    assert CODE.match(body["code"])
    [stored] = woo.coupons
    assert stored["discount_type"] == "percent" and stored["amount"] == "15"
    expires = woo.expiry_of(body["code"])
    assert expires is not None and timedelta(days=13, hours=23) < expires - datetime.now(UTC) <= timedelta(days=14)
    assert (stored["usage_limit"], stored["usage_limit_per_user"]) == (1, 1)
    assert stored["email_restrictions"] == [order["billing"]["email"]]
    api = Api(client, store["api_key"])
    member = api.member(order["customer_id"])
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (coupon["code"], coupon["status"], coupon["kind"]) == (body["code"], "active", "unboxing")
    # The code is recorded on the order, where the WordPress plugin shows it (thank-you page, emails).
    [(_, _, token)] = cards_of(app)
    scan_url = f"{app.extensions['setia_config'].app_url}/u/{token}"
    assert woo.order_meta == {
        str(order["id"]): [
            {"key": "_setia_unboxing_coupon", "value": body["code"]},
            {"key": "_setia_unboxing_url", "value": scan_url},
            {"key": "_setia_unboxing_qr", "value": f"{scan_url}/qr.png"},
        ]
    }


def test_an_unpaid_or_guest_order_gets_no_coupon(client, store, woo):
    deliver_to(
        client, "order.created", {**fixture("order.created__processing_customer_coupon"), "status": "on-hold"}, "d1"
    )
    deliver_to(client, "order.created", fixture("order.created__processing_guest"), "d2")
    assert woo.posted == []


# --- reward coupons through the widget API -------------------------------------------------------

VOUCHER = {"name": "Voucher", "points_cost": 20, "kind": "fixed_amount", "value": "5.00"}


@pytest.fixture()
def rewards_store(app: Flask) -> dict[str, Any]:
    """A connected store without unboxing coupons: every coupon posted is a reward's."""
    store = connected_store(app, {"points_per_unit": "1"})
    with app.extensions["setia_db"].session() as session:
        store["public_id"] = session.get(Shop, store["id"]).public_id
    return store


@pytest.fixture()
def shopper_with_points(client, rewards_store) -> Iterator[tuple[dict[str, Any], FakeWooCommerce]]:
    """The fixture order's shopper, with the 30 points of its 30.00 basis, and the store's coupons."""
    order = fixture("order.created__processing_customer_coupon")
    with fake_woocommerce() as woo:
        deliver_to(client, "order.created", order, "d1")
        yield order, woo


def redeem_on_store(app, client, store, order, reward_id) -> Any:
    identity = signed(app, store, str(order["customer_id"]))
    return client.post(
        f"/widget/v1/{store['public_id']}/redemptions", query_string=identity, json={"reward_id": reward_id}
    )


@pytest.mark.parametrize(
    ("reward", "expected"),
    [
        (
            {**VOUCHER, "min_order": "25.00", "expires_days": 30},
            {"discount_type": "fixed_cart", "amount": "5.00", "free_shipping": False, "minimum_amount": "25.00"},
        ),
        ({**VOUCHER, "kind": "percentage", "value": "10"}, {"discount_type": "percent", "amount": "10"}),
        ({**VOUCHER, "kind": "free_shipping", "value": "0"}, {"amount": "0", "free_shipping": True}),
    ],
)
def test_a_reward_redeemed_through_the_widget_is_one_coupon_on_the_store(
    app, client, rewards_store, shopper_with_points, reward, expected
):
    order, woo = shopper_with_points
    api = Api(client, rewards_store["api_key"])
    reward_id = api.post("/rewards", reward).json["id"]
    before = datetime.now(UTC)
    response = redeem_on_store(app, client, rewards_store, order, reward_id)
    after = datetime.now(UTC)
    assert response.status_code == 201
    drain()
    [body] = woo.posted
    assert body["code"] == response.json["code"] and CODE.match(body["code"])
    assert {key: body.get(key) for key in expected} == expected
    assert "minimum_amount" in body or "min_order" not in reward
    assert body["email_restrictions"] == [order["billing"]["email"]]
    assert (body["usage_limit"], body["usage_limit_per_user"]) == (1, 1)
    expires = woo.expiry_of(body["code"])  # as the store keeps it (a field it drops is no expiry)
    assert expires is not None
    days = timedelta(days=reward.get("expires_days", 90))
    # made during the request, sent to the second (WooCommerce's date format has no fraction)
    assert before - timedelta(seconds=1) <= expires - days <= after
    member = api.member(order["customer_id"])
    assert member["points_available"] == 10
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (coupon["code"], coupon["kind"], coupon["status"]) == (body["code"], "reward", "active")
    assert coupon["platform_id"] == str(woo.coupons[0]["id"])


def test_a_coupon_the_store_refuses_gives_the_points_back(app, client, rewards_store, shopper_with_points):
    order, woo = shopper_with_points
    api = Api(client, rewards_store["api_key"])
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    woo.refuse_next("woocommerce_rest_invalid_coupon", "Invalid coupon.")
    assert redeem_on_store(app, client, rewards_store, order, reward_id).status_code == 201
    drain()
    assert len(woo.posted) == 1 and woo.coupons == []
    member = api.member(order["customer_id"])
    assert member["points_available"] == 30  # spent, then given back
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert coupon["status"] == "failed" and "woocommerce_rest_invalid_coupon" in coupon["last_error"]
    kinds = [entry["kind"] for entry in api.get(f"/members/{member['id']}/ledger").json["items"]]
    assert kinds[:2] == ["refund", "redeem"]


def test_a_lost_answer_is_retried_and_the_duplicate_code_counts_as_made(
    app, client, rewards_store, shopper_with_points
):
    order, woo = shopper_with_points
    api = Api(client, rewards_store["api_key"])
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    woo.lost_answers = 1
    code = redeem_on_store(app, client, rewards_store, order, reward_id).json["code"]
    drain()
    member = api.member(order["customer_id"])
    assert api.get(f"/members/{member['id']}/coupons").json["items"][0]["status"] == "pending"
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Coupon).values(created_at=utcnow() - timedelta(hours=1)))
    periodic.flush_outbox()
    drain()
    assert [body["code"] for body in woo.posted] == [code, code]  # the second one was refused as a duplicate
    assert len(woo.coupons) == 1
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (coupon["status"], coupon["platform_id"]) == ("active", str(woo.coupons[0]["id"]))
    assert api.member(order["customer_id"])["points_available"] == 10

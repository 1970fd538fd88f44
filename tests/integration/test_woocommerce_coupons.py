"""The unboxing coupon of a paid WooCommerce order: made once on the store through the REST API,
limited to the shopper's billing email, whatever the deliveries."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import responses
from flask import Flask

from tests.conftest import Api
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
def woo() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        created = fixture("coupon_create__docs_example")
        mock.post(f"{API}/coupons", json=created, status=201)
        mock.put(re.compile(rf"{re.escape(API)}/orders/\d+"), json={"id": 963})
        yield mock


def coupon_posts(woo: responses.RequestsMock) -> list[dict[str, Any]]:
    return [json.loads(call.request.body) for call in woo.calls if call.request.url.startswith(f"{API}/coupons")]


def test_a_paid_order_gets_one_coupon_limited_to_the_billing_email(client, store, woo):
    order = fixture("order.created__processing_customer_coupon")
    deliver_to(client, "order.created", order, "d1")
    deliver_to(client, "order.created", order, "d2")  # the same state again, another delivery
    deliver_to(
        client, "order.updated", {**order, "status": "completed", "date_modified_gmt": "2030-01-01T00:00:00"}, "d3"
    )
    [body] = coupon_posts(woo)
    assert CODE.match(body["code"])
    assert body["discount_type"] == "percent" and body["amount"] == "15"
    assert (body["usage_limit"], body["usage_limit_per_user"]) == (1, 1)
    assert body["email_restrictions"] == [order["billing"]["email"]]
    assert body["date_expires_gmt"]
    api = Api(client, store["api_key"])
    member = api.member(order["customer_id"])
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (coupon["code"], coupon["status"], coupon["kind"]) == (body["code"], "active", "unboxing")
    # The code is recorded on the order, where the WordPress plugin shows it (thank-you page, emails).
    [put] = [call.request for call in woo.calls if call.request.method == "PUT"]
    assert put.url.split("?")[0] == f"{API}/orders/{order['id']}"
    assert json.loads(put.body) == {"meta_data": [{"key": "_setia_unboxing_coupon", "value": body["code"]}]}


def test_an_unpaid_or_guest_order_gets_no_coupon(client, store, woo):
    deliver_to(
        client, "order.created", {**fixture("order.created__processing_customer_coupon"), "status": "on-hold"}, "d1"
    )
    deliver_to(client, "order.created", fixture("order.created__processing_guest"), "d2")
    assert coupon_posts(woo) == []

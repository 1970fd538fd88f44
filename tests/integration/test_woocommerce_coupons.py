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
from flask.testing import FlaskClient

from integrator.loyalty.shops import connect_shop, issue_api_key
from tests.conftest import Api, drain
from tests.woocommerce_deliveries import STORE_SECRET, STORE_TOKEN, encode, fixture, headers

pytestmark = pytest.mark.usefixtures("ledger_checked")

STORE = "https://93.184.215.14"  # a public address literal: the SSRF guard needs no DNS
API = f"{STORE}/wp-json/wc/v3"
CODE = re.compile(r"^SETIA-[A-Z2-9]{4}-[A-Z2-9]{4}$")


@pytest.fixture()
def store(app: Flask) -> dict[str, Any]:
    """A connected store with REST keys, unboxing coupons on (15 %, 14 days)."""
    db, box = app.extensions["setia_db"], app.extensions["setia_box"]
    with db.session() as session:
        shop, _ = connect_shop(session, box, "woocommerce", STORE, None, None, "api_keys")
        shop.consumer_key_enc, shop.consumer_secret_enc = box.encrypt("ck_test"), box.encrypt("cs_test")
        shop.webhook_token, shop.webhook_secret_enc = STORE_TOKEN, box.encrypt(STORE_SECRET)
        shop.currency = "USD"
        shop.settings = {"unboxing": {"enabled": True, "discount_percent": "15", "expires_days": 14}}
        return {"id": shop.id, "api_key": issue_api_key(session, shop)}


@pytest.fixture()
def woo() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        created = fixture("coupon_create__docs_example")
        mock.post(f"{API}/coupons", json=created, status=201)
        mock.put(re.compile(rf"{re.escape(API)}/orders/\d+"), json={"id": 963})
        yield mock


def deliver(client: FlaskClient, topic: str, payload: dict[str, Any], delivery_id: str) -> None:
    body = encode(payload)
    response = client.post(
        f"/webhooks/woocommerce/{STORE_TOKEN}", data=body, headers=headers(topic, body, delivery_id, STORE_SECRET)
    )
    assert response.status_code == 200
    drain()


def coupon_posts(woo: responses.RequestsMock) -> list[dict[str, Any]]:
    return [json.loads(call.request.body) for call in woo.calls if call.request.url.startswith(f"{API}/coupons")]


def test_a_paid_order_gets_one_coupon_limited_to_the_billing_email(client, store, woo):
    order = fixture("order.created__processing_customer_coupon")
    deliver(client, "order.created", order, "d1")
    deliver(client, "order.created", order, "d2")  # the same state again, another delivery
    deliver(client, "order.updated", {**order, "status": "completed", "date_modified_gmt": "2030-01-01T00:00:00"}, "d3")
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
    deliver(
        client, "order.created", {**fixture("order.created__processing_customer_coupon"), "status": "on-hold"}, "d1"
    )
    deliver(client, "order.created", fixture("order.created__processing_guest"), "d2")
    assert coupon_posts(woo) == []

"""Webhook input that cannot be taken in: bodies over the size limit (however they are sent), and
values no column can hold, which are final failures at once instead of six retries over hours."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrator.loyalty.models import Member, Order, WebhookEvent
from tests.conftest import drain
from tests.deliveries import SHOP_DOMAIN, fake30, money_set, sign, with_changes
from tests.deliveries import fixture as shopify_fixture
from tests.woocommerce_deliveries import STORE_TOKEN, connected_store, encode
from tests.woocommerce_deliveries import fixture as wc_fixture
from tests.woocommerce_deliveries import headers as wc_headers
from tests.woocommerce_deliveries import sign as wc_sign

LIMIT = 8 * 1024 * 1024


def chunked(client: FlaskClient, path: str, body: bytes, headers: dict[str, str]) -> Any:
    """A body sent with Transfer-Encoding: chunked and no Content-Length, through a server that
    terminates the input stream (gunicorn and Werkzeug's own server set wsgi.input_terminated)."""
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={**headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def shopify_headers(body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Shop-Domain": SHOP_DOMAIN,
        "X-Shopify-Webhook-Id": "wh-big",
        "X-Shopify-Hmac-Sha256": sign(body),
    }


def padded(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    return b'{"pad":"' + b"x" * (size - 10) + b'"}'


@pytest.mark.parametrize("size", [LIMIT + 1, LIMIT + 1024 * 1024])
def test_an_oversize_chunked_body_is_413_on_both_webhook_routes(
    app: Flask, client: FlaskClient, shop: dict[str, Any], size: int
) -> None:
    connected_store(app, {})
    body = padded(size)
    shopify = chunked(client, "/webhooks/shopify", body, shopify_headers(body))
    assert shopify.status_code == 413 and "error" in shopify.json
    woocommerce = chunked(
        client, f"/webhooks/woocommerce/{STORE_TOKEN}", body, wc_headers("order.updated", body, "d-big")
    )
    assert woocommerce.status_code == 413 and "error" in woocommerce.json
    assert wc_sign(body)  # signed correctly: the size alone is refused


def test_a_chunked_body_of_exactly_the_limit_is_read_whole(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    body = padded(LIMIT)
    response = chunked(client, "/webhooks/shopify", body, shopify_headers(body))
    assert response.status_code == 200 and response.json["ok"] is True


# --- values no column can hold: final failures at once, with the reason --------------------------


def stored_events(app: Flask) -> list[WebhookEvent]:
    with app.extensions["setia_db"].session() as session:
        rows = session.execute(select(WebhookEvent).order_by(WebhookEvent.id)).scalars().all()
        session.expunge_all()
        return list(rows)


def failed_at_once(app: Flask, reason: str) -> None:
    """The one delivery failed on its first attempt, is not scheduled again, and `jobs failed`
    lists it with its reason."""
    [event] = stored_events(app)
    assert (event.status, event.attempts, event.next_attempt_at) == ("failed", 1, None)
    assert reason in (event.last_error or "")
    listed = app.test_cli_runner().invoke(args=["jobs", "failed"]).stdout
    assert f"{event.id}\tfailed\t" in listed and reason in listed


def members(app: Flask) -> int:
    with app.extensions["setia_db"].session() as session:
        return session.execute(select(func.count(Member.id))).scalar_one()


FAKE30_CUSTOMER = 1073339475

BAD_AMOUNTS = [
    "1e30",
    "1E2",
    "\u0663",  # ARABIC-INDIC DIGIT THREE: Decimal() reads it as 3
    "1_000",
    "NaN",
    "Infinity",
    "-Infinity",
    "1" + "0" * 15,  # 16 digits before the point
    "0." + "1" * 13,
    " 181.09",
    "181.09\x00",
    1e30,  # a JSON number
]


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
def test_a_shopify_amount_no_column_holds_fails_at_once(
    app: Flask, deliver: Any, shop: dict[str, Any], amount: Any
) -> None:
    order = with_changes(fake30(), current_subtotal_price_set=money_set("0"))
    order["current_subtotal_price_set"]["shop_money"]["amount"] = amount
    assert deliver("orders/paid", order).status_code == 200
    failed_at_once(app, "current_subtotal_price_set")
    assert members(app) == 0


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"id": "9" * 65}, "id: longer than 64"),
        ({"id": "1073459981\x00"}, "id: holds control characters"),
        ({"customer": {"id": "1" * 65, "email": "jane@example.com"}}, "id: longer than 64"),
        ({"customer": {"id": FAKE30_CUSTOMER, "email": "jane\x00@example.com"}}, "email: holds control characters"),
        ({"customer": {"id": FAKE30_CUSTOMER, "email": "j" * 310 + "@example.com"}}, "email: longer than 320"),
        ({"refunds": [{"id": "7" * 65}]}, "refunds[].id: longer than 64"),
        ({"updated_at": "9999-12-31T23:00:00-05:00"}, "updated_at: out of range"),
        ({"updated_at": "\x002026-11-20T10:00:00Z"}, "updated_at: not a timestamp"),
        ({"shipping_lines": ["free"], "taxes_included": True}, "shipping_lines: not a list of objects"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_shopify_id_email_or_date_no_column_holds_fails_at_once(
    app: Flask, deliver: Any, shop: dict[str, Any], changes: dict[str, Any], reason: str
) -> None:
    assert deliver("orders/paid", with_changes(fake30(), **changes)).status_code == 200
    failed_at_once(app, reason)
    assert members(app) == 0


def test_a_shopify_refund_with_an_overlong_order_id_fails_at_once(
    app: Flask, deliver: Any, shop: dict[str, Any]
) -> None:
    refund = shopify_fixture("refunds_create__generic_sample")
    refund["order_id"] = "4" * 80
    deliver("refunds/create", refund)
    failed_at_once(app, "order_id: longer than 64")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"id": ' + b"1" * 5000 + b"}", "not valid JSON"),
        (b'{"id": "\\ud800"}', "id: holds control characters"),
    ],
    ids=["deep", "huge-int", "lone-surrogate"],
)
def test_a_shopify_body_python_cannot_read_fails_at_once(
    app: Flask, deliver: Any, shop: dict[str, Any], body: bytes, reason: str
) -> None:
    assert deliver("orders/paid", body).status_code == 200
    failed_at_once(app, reason)


def test_overlong_names_are_cut_and_control_characters_dropped(app: Flask, deliver: Any, api: Any) -> None:
    customer = {"id": FAKE30_CUSTOMER, "email": "jane@example.com", "first_name": "Ani\x00" + "a" * 300}
    order = with_changes(fake30(), name="#1001\x00" + "x" * 100, customer={**customer, "last_name": "Wi\tjaya"})
    deliver("orders/paid", order)
    assert [event.status for event in stored_events(app)] == ["processed"]
    member = api.member(FAKE30_CUSTOMER)
    assert member["first_name"] == ("Ani" + "a" * 300)[:255]
    assert member["last_name"] == "Wijaya"
    assert member["points_available"] == 181
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(Order.name)).scalar_one() == ("#1001" + "x" * 100)[:64]


def test_a_nul_in_a_delivery_header_is_dropped_not_a_server_error(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    body = json.dumps(fake30()).encode()
    headers = {**shopify_headers(body), "X-Shopify-Webhook-Id": "wh-\x00-1", "X-Shopify-Event-Id": "ev\x00"}
    assert client.post("/webhooks/shopify", data=body, headers=headers).status_code == 200
    drain()
    [event] = stored_events(app)
    assert (event.delivery_id, event.event_id, event.status) == ("wh--1", "ev", "processed")


# WooCommerce: order 963 (lines 30.00, customer 11), delivered as WooCommerce signs it.


def woocommerce_order(**changes: Any) -> dict[str, Any]:
    order = wc_fixture("order.created__processing_customer_coupon")
    order.update(changes)
    return order


def deliver_wc(client: FlaskClient, payload: Any, delivery_id: str = "d-1") -> Any:
    body = payload if isinstance(payload, bytes) else encode(payload)
    response = client.post(
        f"/webhooks/woocommerce/{STORE_TOKEN}", data=body, headers=wc_headers("order.created", body, delivery_id)
    )
    drain()
    return response


@pytest.fixture()
def store(app: Flask) -> dict[str, Any]:
    return connected_store(app, {"points_per_unit": "1", "cashback_percent": "2"})


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
def test_a_woocommerce_amount_no_column_holds_fails_at_once(
    app: Flask, client: FlaskClient, store: dict[str, Any], amount: Any
) -> None:
    order = woocommerce_order()
    order["line_items"][0]["total"] = amount
    assert deliver_wc(client, order).status_code == 200
    failed_at_once(app, "line_items[].total")
    assert members(app) == 0


def test_woocommerce_line_totals_summing_past_the_columns_fail_at_once(
    app: Flask, client: FlaskClient, store: dict[str, Any]
) -> None:
    line = woocommerce_order()["line_items"][0]
    order = woocommerce_order(line_items=[{**line, "total": "9" * 15}] * 20)
    deliver_wc(client, order)
    failed_at_once(app, "more than an amount can hold")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"id": "1" * 21}, "id: not a WooCommerce id"),
        ({"id": "\u0663"}, "id: not a WooCommerce id"),
        ({"id": 10**25}, "id: not a WooCommerce id"),
        ({"customer_id": "9" * 70}, "customer_id: not a WooCommerce id"),
        ({"customer_id": "1_1"}, "customer_id: not a WooCommerce id"),
        ({"currency": "U\x00D"}, "currency: not an ISO 4217 code"),
        ({"date_modified_gmt": "\x002018-04-03T23:05:14"}, "date_modified_gmt: not a timestamp"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_woocommerce_id_or_date_no_column_holds_fails_at_once(
    app: Flask, client: FlaskClient, store: dict[str, Any], changes: dict[str, Any], reason: str
) -> None:
    assert deliver_wc(client, woocommerce_order(**changes)).status_code == 200
    failed_at_once(app, reason)
    assert members(app) == 0


def test_a_woocommerce_email_with_a_nul_fails_at_once(app: Flask, client: FlaskClient, store: dict[str, Any]) -> None:
    order = woocommerce_order()
    order["billing"]["email"] = "scrambled\x00@scrambled.com"
    deliver_wc(client, order)
    failed_at_once(app, "email: holds control characters")


def test_woocommerce_names_are_cut_and_control_characters_dropped(
    app: Flask, client: FlaskClient, store: dict[str, Any]
) -> None:
    order = woocommerce_order(number="963\x00" + "9" * 100)
    order["billing"]["first_name"] = "John\x00ny" + "y" * 300
    deliver_wc(client, order)
    assert [event.status for event in stored_events(app)] == ["processed"]
    with app.extensions["setia_db"].session() as session:
        member = session.execute(select(Member)).scalar_one()
        assert member.first_name == ("Johnny" + "y" * 300)[:255]
        assert member.points_available == 30
        assert session.execute(select(Order.name)).scalar_one() == ("#963" + "9" * 100)[:64]


def test_a_store_token_with_a_nul_is_404_not_a_server_error(client: FlaskClient, store: dict[str, Any]) -> None:
    body = encode(woocommerce_order())
    response = client.post(
        f"/webhooks/woocommerce/{STORE_TOKEN}%00", data=body, headers=wc_headers("order.created", body, "d-1")
    )
    assert response.status_code == 404 and response.json["error"]  # a NUL in any path is a 404 before routing

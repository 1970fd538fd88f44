"""WooCommerce order webhooks become points and cashback exactly once, through every status an
order goes through, signed and delivered as WooCommerce does."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrator.loyalty.models import Member, Order, Shop, WebhookEvent
from integrator.loyalty.shops import connect_shop, issue_api_key
from tests.conftest import Api, drain
from tests.woocommerce_deliveries import STORE_DOMAIN, STORE_SECRET, STORE_TOKEN, encode, fixture, headers

pytestmark = pytest.mark.usefixtures("ledger_checked")

CUSTOMER = "11"  # order 963: lines 30.00 after coupons, tax 1.20, no shipping: total 31.20
URL = f"/webhooks/woocommerce/{STORE_TOKEN}"


@pytest.fixture()
def store(app: Flask) -> dict[str, Any]:
    """A connected WooCommerce store (USD, 1 point per 1.00, 2 % cashback, available at once)."""
    db, box = app.extensions["setia_db"], app.extensions["setia_box"]
    with db.session() as session:
        shop, _ = connect_shop(session, box, "woocommerce", STORE_DOMAIN, None, None, "woocommerce")
        shop.webhook_token = STORE_TOKEN
        shop.webhook_secret_enc = box.encrypt(STORE_SECRET)
        shop.currency = "USD"
        shop.settings = {"points_per_unit": "1", "cashback_percent": "2"}
        key = issue_api_key(session, shop)
        return {"id": shop.id, "api_key": key}


@pytest.fixture()
def api(client: FlaskClient, store: dict[str, Any]) -> Api:
    return Api(client, store["api_key"])


class Deliverer:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.ids = itertools.count(1)

    def __call__(self, topic: str, payload: Any, delivery_id: str | None = None, secret: str = STORE_SECRET) -> Any:
        body = payload if isinstance(payload, bytes) else encode(payload)
        delivery_id = delivery_id or f"{next(self.ids):032x}"
        response = self.client.post(URL, data=body, headers=headers(topic, body, delivery_id, secret))
        drain()
        return response


@pytest.fixture()
def deliver(client: FlaskClient, store: dict[str, Any]) -> Deliverer:
    return Deliverer(client)


def order(minute: int, **changes: Any) -> dict[str, Any]:
    """Order 963 as WooCommerce represents it, modified at 23:<minute> (later minute = later state)."""
    body = fixture("order.created__processing_customer_coupon")
    body["date_modified_gmt"] = f"2018-04-03T23:{minute:02d}:14"
    body.update(changes)
    return body


def balances(api: Api, customer: str = CUSTOMER) -> tuple[int, str]:
    member = api.member(customer)
    assert member is not None
    return member["points_available"], member["cashback_available"]


def events_stored(app: Flask) -> list[WebhookEvent]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(WebhookEvent).order_by(WebhookEvent.id)).scalars())


def test_creation_ping_answers_200_and_stores_nothing(client, store, app):
    ping = fixture("headers_example")["ping"]
    response = client.post(URL, data=ping["body"], headers=ping["headers"])
    assert response.status_code == 200
    assert events_stored(app) == []


def test_signed_delivery_is_stored_and_earns(deliver, api, app):
    response = deliver("order.created", order(5))
    assert response.status_code == 200 and response.json["duplicate"] is False
    assert balances(api) == (30, "0.60")
    member = api.member(CUSTOMER)
    assert member["email"] == "scrambled@scrambled.com" and member["currency"] == "USD"
    [event] = events_stored(app)
    assert (event.platform, event.topic, event.status) == ("woocommerce", "order.created", "processed")
    assert event.shop_key == STORE_DOMAIN


@pytest.mark.parametrize("signature", ["wrong-secret", None])
def test_bad_or_missing_signature_is_401_and_stores_nothing(client, store, app, signature):
    body = encode(order(5))
    sent = headers("order.created", body, "d1", secret=signature or STORE_SECRET)
    if signature is None:
        del sent["X-WC-Webhook-Signature"]
    response = client.post(URL, data=body, headers=sent)
    assert response.status_code == 401
    assert events_stored(app) == []


def test_unknown_store_token_is_404(client, store, app):
    body = encode(order(5))
    response = client.post("/webhooks/woocommerce/nobody", data=body, headers=headers("order.created", body, "d1"))
    assert response.status_code == 404 and response.json["error"] == "unknown store"
    assert events_stored(app) == []


def test_repeated_delivery_earns_once(deliver, api, app):
    first = deliver("order.updated", order(5), delivery_id="same-id")
    again = deliver("order.updated", order(5), delivery_id="same-id")
    assert first.status_code == again.status_code == 200
    assert again.json["duplicate"] is True
    assert balances(api) == (30, "0.60")
    assert len(events_stored(app)) == 1


def test_same_order_state_under_another_delivery_id_earns_once(deliver, api, app):
    deliver("order.updated", order(5))
    again = deliver("order.updated", order(5))
    assert again.json["duplicate"] is True
    assert balances(api) == (30, "0.60")


def test_a_delivery_id_repeated_for_another_change_is_still_taken_in(deliver, api):
    # X-WC-Webhook-Delivery-ID is wp_hash(webhook id . time()): two events in one second share it.
    deliver("order.updated", order(5, status="pending", date_paid_gmt=None), delivery_id="same-second")
    deliver("order.updated", order(6), delivery_id="same-second")
    assert balances(api) == (30, "0.60")


def test_pending_earns_nothing_until_processing(deliver, api):
    deliver("order.created", order(1, status="pending", date_paid_gmt=None))
    assert balances(api) == (0, "0.00")
    deliver("order.updated", order(2, status="processing"))
    assert balances(api) == (30, "0.60")
    deliver("order.updated", order(3, status="completed"))
    assert balances(api) == (30, "0.60")
    assert api.member(CUSTOMER)["lifetime_points"] == 30


def test_cash_on_delivery_earns_only_when_completed(deliver, api):
    cod = {"payment_method": "cod", "payment_method_title": "Cash on delivery", "date_paid_gmt": None}
    deliver("order.created", order(1, status="processing", **cod))
    assert balances(api) == (0, "0.00")
    deliver("order.updated", order(2, status="completed", **cod))
    assert balances(api) == (30, "0.60")


def test_full_refund_takes_back_everything(deliver, api):
    deliver("order.updated", order(1, status="completed"))
    refunded = order(2, status="refunded", refunds=[{"id": 970, "reason": "", "total": "-31.20"}])
    deliver("order.updated", refunded)
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["cashback_available"]) == (0, "0.00")


def test_partial_refund_takes_back_in_proportion(deliver, api):
    deliver("order.updated", order(1, status="completed"))
    # A refund of half the order (15.60 of 31.20) leaves half the basis: 15.00.
    deliver("order.updated", order(2, status="completed", refunds=[{"id": 970, "reason": "", "total": "-15.60"}]))
    assert balances(api) == (15, "0.30")
    # A second refund is listed next to the first; the first is not taken back twice.
    refunds = [{"id": 971, "reason": "", "total": "-7.80"}, {"id": 970, "reason": "", "total": "-15.60"}]
    deliver("order.updated", order(3, status="completed", refunds=refunds))
    assert balances(api) == (7, "0.15")


def test_real_partially_refunded_order_earns_its_unrefunded_share(deliver, api):
    refunded = fixture("order.updated__completed_partially_refunded")  # 29.00 of lines, 19.00 of 39.00 refunded
    before = dict(refunded, refunds=[], date_modified_gmt="2017-03-21T19:50:00")
    deliver("order.updated", before)
    assert balances(api, "26") == (29, "0.58")
    deliver("order.updated", refunded)
    assert balances(api, "26") == (14, "0.29")  # 29 × 20 / 39 = 14.87


def test_real_fully_refunded_order_takes_back_all(deliver, api):
    refunded = fixture("order.updated__refunded_full")
    paid = dict(refunded, status="processing", refunds=[], date_modified_gmt="2017-08-24T20:56:58")
    deliver("order.updated", paid)
    assert balances(api, "1") == (180, "3.60")
    deliver("order.updated", refunded)
    assert balances(api, "1") == (0, "0.00")


def test_cancelled_order_keeps_nothing(deliver, api):
    deliver("order.created", order(1))
    deliver("order.updated", order(2, status="cancelled"))
    assert balances(api) == (0, "0.00")


def test_older_snapshot_after_a_newer_one_changes_nothing(deliver, api):
    deliver("order.updated", order(2, status="cancelled"))
    deliver("order.created", order(1))
    assert balances(api) == (0, "0.00")


def test_deleted_order_keeps_nothing_and_restored_earns_again(deliver, api):
    deliver("order.created", order(1))
    assert balances(api) == (30, "0.60")
    deliver("order.deleted", {"id": 963})
    assert balances(api) == (0, "0.00")
    deliver("order.restored", order(4))
    assert balances(api) == (30, "0.60")
    assert api.member(CUSTOMER)["lifetime_points"] == 30


def test_guest_orders_earn_nothing(deliver, app):
    deliver("order.created", fixture("order.created__processing_guest"))
    deliver("order.updated", fixture("order.updated__completed_guest"))
    with app.extensions["setia_db"].session() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 0
        order_row = session.execute(select(Order)).scalar_one()
        assert order_row.status == "paid" and order_row.member_id is None
    assert [event.status for event in events_stored(app)] == ["processed", "processed"]


def test_real_wc10_delivery_with_a_full_coupon_enrols_with_nothing_earned(deliver, api, app):
    response = deliver("order.updated", fixture("order.updated__wc10_delivery"))
    assert response.status_code == 200
    assert balances(api, "1377") == (0, "0.00")
    assert events_stored(app)[0].status == "processed"


def test_customer_update_refreshes_a_members_details(deliver, api):
    deliver("order.created", order(1, customer_id=25))
    customer = fixture("customer.updated__customer")
    customer["email"] = "john.new@example.com"
    deliver("customer.updated", customer)
    assert api.member("25")["email"] == "john.new@example.com"


def test_verified_body_that_is_not_json_is_stored_and_failed(deliver, app):
    response = deliver("order.updated", b"<html>not json</html>")
    assert response.status_code == 200
    [event] = events_stored(app)
    assert event.status == "failed"


def test_unknown_topic_is_acknowledged_and_ignored(deliver, app):
    response = deliver("product.updated", {"id": 5, "date_modified_gmt": "2018-04-03T23:00:00"})
    assert response.status_code == 200
    assert [event.status for event in events_stored(app)] == ["ignored"]


def test_a_rotated_secret_is_used_at_once_despite_the_cache(deliver, api, app, store):
    deliver("order.created", order(1, status="pending", date_paid_gmt=None))  # caches the store
    db, box = app.extensions["setia_db"], app.extensions["setia_box"]
    with db.session() as session:
        session.get(Shop, store["id"]).webhook_secret_enc = box.encrypt("rotated-secret")
    response = deliver("order.updated", order(2), secret="rotated-secret")
    assert response.status_code == 200
    assert balances(api) == (30, "0.60")
    assert deliver("order.updated", order(3), secret=STORE_SECRET).status_code == 401

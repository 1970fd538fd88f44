"""A platform plugs in through integrator/platform_registry.py alone: a third one, registered the way
integrator/shopify and integrator/woocommerce register themselves, has its deliveries processed,
its connector built and its facts given to the domain, with no shared module changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from connectors.base import Customer, Order
from integrator import jobs, platform_registry
from integrator.inbox import Incoming, store_delivery
from integrator.loyalty import orders
from integrator.loyalty.models import Shop, WebhookEvent
from integrator.loyalty.shops import connect_shop, issue_api_key
from integrator.platform_registry import NotConnected, Platform
from tests.conftest import Api

DOMAIN = "demo-store.example"


def _order(session: Session, shop: Shop, payload: Any) -> orders.Outcome:
    snapshot = Order(
        str(payload["id"]), "USD", Decimal(payload["total"]), "paid", customer=Customer(payload["customer"])
    )
    return orders.record_order(session, shop, snapshot)


def _no_connector(config: Any, box: Any, shop: Shop) -> Any:
    raise NotConnected(f"{shop.domain} has no credentials")


THIRD = Platform(
    name="third",
    handlers={"order.paid": _order},
    connector=_no_connector,
    apply_path="/apply/{code}",
    store_credit=False,
    has_credentials=lambda shop: shop.access_token_enc is not None,
    webhook_blueprint=None,  # no route: the tests store its deliveries directly
)


@pytest.fixture()
def third(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setitem(platform_registry._platforms, "third", THIRD)
    with app.extensions["setia_db"].session() as session:
        shop, _ = connect_shop(session, app.extensions["setia_box"], "third", DOMAIN, None, "secret", "custom_app")
        shop.currency = "USD"
        shop.settings = {"points_per_unit": "1", "cashback_percent": "0", "pending_days": 0}
        session.flush()
        return {"id": shop.id, "api_key": issue_api_key(session, shop)}


def deliver(app: Flask, shop_id: int, topic: str, body: bytes, delivery_id: str) -> int:
    incoming = Incoming("third", DOMAIN, shop_id, topic, delivery_id, None, None, body)
    with app.extensions["setia_db"].single_statement() as connection:
        event_id = store_delivery(connection, incoming, "received")
    assert event_id is not None
    return event_id


def test_a_third_platforms_delivery_earns_through_its_registered_handler(app, client, third):
    body = b'{"id": 501, "total": "42.00", "customer": "c-7"}'
    event_id = deliver(app, third["id"], "order.paid", body, "d-1")
    assert jobs.process_event(event_id) == "processed"
    member = Api(client, third["api_key"]).member("c-7")
    assert member is not None and member["points_available"] == 42


def test_a_topic_it_did_not_register_is_ignored(app, third):
    event_id = deliver(app, third["id"], "order.refunded", b"{}", "d-2")
    assert jobs.process_event(event_id) == "ignored"
    with app.extensions["setia_db"].session() as session:
        assert session.get(WebhookEvent, event_id).status == "ignored"


def test_its_facts_and_connector_come_from_its_registration(app, third):
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, third["id"])
        assert platform_registry.apply_path(shop) == "/apply/{code}"
        assert platform_registry.store_credit_supported(shop) is False
        assert platform_registry.has_credentials(shop) is False
        assert jobs.connect(shop) is None  # NotConnected: logged, no connector
    assert "third" not in platform_registry.store_credit_platforms()

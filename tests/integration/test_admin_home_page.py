"""The home page's first-run checklist and connection status, from what really happened: webhook
deliveries in the inbox, reconciliation runs, settings, the widget's first call, the first reward."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from integrator.loyalty.models import Shop, WebhookEvent
from tests.conftest import Api

from .test_admin_frame import sign_in


def home(client: FlaskClient) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def steps(page: str) -> dict[str, bool]:
    return {key: done == "true" for key, done in re.findall(r'data-step="(\w+)" data-done="(\w+)"', page)}


def field(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>\s*([^<]*?)\s*<', page)
    assert found, element_id
    return found.group(1)


def deliver(app: Flask, shop_id: int, status: str, at: datetime, number: int) -> None:
    with app.extensions["setia_db"].session() as session:
        session.add(
            WebhookEvent(
                platform="shopify",
                shop_key="setia-test.myshopify.com",
                shop_id=shop_id,
                topic="orders/paid",
                delivery_id=f"delivery-{number}",
                body=b"{}",
                status=status,
                attempts=1,
                received_at=at,
            )
        )


def test_a_new_shop_sees_every_step_but_the_connection_to_do(app: Flask, client: FlaskClient, shops) -> None:
    shop = shops.make(settings={})
    sign_in(app, client, shop["id"])
    page = home(client)
    assert steps(page) == {
        "store_connected": True,
        "webhooks_healthy": False,
        "earning_rule_set": False,
        "widget_seen": False,
        "first_reward": False,
    }
    assert "1 of 5 steps done." in page
    assert field(page, "last-delivery") == "never" and field(page, "last-reconciliation") == "never"
    assert field(page, "connection-status") == "Waiting for the first delivery"


def test_the_connection_status_comes_from_the_inbox_and_the_reconciliation(
    app: Flask, client: FlaskClient, shop: dict[str, Any], shops
) -> None:
    other = shops.make(domain="other-shop.myshopify.com")
    deliver(app, shop["id"], "processed", datetime(2026, 11, 30, 9, 15, tzinfo=UTC), 1)
    deliver(app, shop["id"], "processed", datetime(2026, 11, 30, 10, 45, tzinfo=UTC), 2)
    deliver(app, other["id"], "failed", datetime(2026, 12, 1, 7, 0, tzinfo=UTC), 3)  # another shop's
    with app.extensions["setia_db"].session() as session:
        row = session.get(Shop, shop["id"])
        assert row is not None
        row.reconciled_at = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
    sign_in(app, client, shop["id"])
    page = home(client)
    assert steps(page)["webhooks_healthy"] is True
    assert field(page, "connection-status") == "Healthy"
    assert field(page, "last-delivery") == "Nov 30, 2026, 10:45:00\u202fAM UTC"
    assert field(page, "last-reconciliation") == "Dec 1, 2026, 6:30:00\u202fAM UTC"
    assert (field(page, "failed-deliveries"), field(page, "retrying-deliveries")) == ("0", "0")

    deliver(app, shop["id"], "failed", datetime(2026, 11, 30, 11, 0, tzinfo=UTC), 4)
    deliver(app, shop["id"], "retrying", datetime(2026, 11, 30, 11, 5, tzinfo=UTC), 5)
    page = home(client)
    assert steps(page)["webhooks_healthy"] is False and field(page, "connection-status") == "Needs attention"
    assert (field(page, "failed-deliveries"), field(page, "retrying-deliveries")) == ("1", "1")


def test_an_uninstalled_store_is_not_connected(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    with app.extensions["setia_db"].session() as session:
        row = session.get(Shop, shop["id"])
        assert row is not None
        row.uninstalled_at = datetime(2026, 12, 1, tzinfo=UTC)
    deliver(app, shop["id"], "processed", datetime(2026, 11, 30, tzinfo=UTC), 1)  # before the uninstall
    sign_in(app, client, shop["id"])
    page = home(client)
    assert steps(page)["store_connected"] is False and field(page, "connection-status") == "Not connected"
    # nothing failed: the orders step says why it is not done, and does not blame failed deliveries
    assert steps(page)["webhooks_healthy"] is False
    assert "while it is not connected to the store" in page and "Some deliveries from the store failed" not in page


def test_keeping_the_default_rule_and_a_first_reward_tick_their_steps(app: Flask, client: FlaskClient, shops) -> None:
    shop = shops.make(settings={})
    csrf = sign_in(app, client, shop["id"])
    assert client.post("/admin/api/onboarding/earning-confirmed", json={}).status_code == 400
    assert steps(home(client))["earning_rule_set"] is False
    confirmed = client.post("/admin/api/onboarding/earning-confirmed", json={}, headers={"X-CSRF-Token": csrf})
    assert confirmed.status_code == 200
    Api(client, shop["api_key"]).post("/rewards", {"name": "Tote bag", "points_cost": 500, "kind": "free_shipping"})
    page = home(client)
    assert steps(page)["earning_rule_set"] is True and steps(page)["first_reward"] is True
    assert "1 reward in the catalogue." in page and 'id="confirm-earning"' not in page


def test_a_changed_rate_sets_the_earning_rule(app: Flask, client: FlaskClient, shops) -> None:
    shop = shops.make(settings={})
    Api(client, shop["api_key"]).patch("/settings", {"cashback_percent": "3"})
    sign_in(app, client, shop["id"])
    assert steps(home(client))["earning_rule_set"] is True


def test_the_widgets_first_call_ticks_widget_seen_and_later_calls_write_nothing(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    sign_in(app, client, shop["id"])
    assert steps(home(client))["widget_seen"] is False
    assert client.get(f"/widget/v1/{shop['public_id']}/program").status_code == 200
    with app.extensions["setia_db"].session() as session:
        first = session.get(Shop, shop["id"]).widget_seen_at  # type: ignore[union-attr]
    assert first is not None
    writes: list[str] = []
    engine = app.extensions["setia_db"].engine

    def count_updates(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE SHOPS"):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", count_updates)
    try:
        for _ in range(3):
            assert client.get(f"/widget/v1/{shop['public_id']}/program").status_code in (200, 304)
    finally:
        event.remove(engine, "before_cursor_execute", count_updates)
    assert writes == []
    with app.extensions["setia_db"].session() as session:
        assert session.get(Shop, shop["id"]).widget_seen_at == first  # type: ignore[union-attr]
    page = home(client)
    assert steps(page)["widget_seen"] is True and "first showed the widget on" in page


def test_the_connection_status_the_page_polls(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    assert client.get("/admin/api/connection", headers={"Accept": "application/json"}).status_code == 401
    csrf = sign_in(app, client, shop["id"])
    deliver(app, shop["id"], "retrying", datetime(2026, 11, 30, 11, 5, tzinfo=UTC), 1)
    answer = client.get("/admin/api/connection", headers={"X-CSRF-Token": csrf, "Accept": "application/json"})
    assert answer.status_code == 200
    assert answer.json == {
        "healthy": False,
        "status": "Needs attention",
        "last_delivery": "Nov 30, 2026, 11:05:00\u202fAM UTC",
        "failed": 0,
        "retrying": 1,
        "last_reconciliation": "never",
    }

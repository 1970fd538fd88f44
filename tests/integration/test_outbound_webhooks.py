"""Outbound webhooks to a real local HTTP server: registered through the API (the SSRF guard refuses
private addresses), signed per Standard Webhooks and verified with the `standardwebhooks` library's
own verifier, retried after a 500 and after a timeout with the same webhook-id."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from standardwebhooks import Webhook

from integrator.loyalty.models import Delivery, WebhookEndpoint, utcnow
from integrator.periodic import SCHEDULE
from tests.conftest import drain
from tests.deliveries import fake30
from tests.notify_servers import hook_server, use_config

pytestmark = pytest.mark.usefixtures("ledger_checked")


def scheduled(name: str) -> Any:
    [job] = [job for job, _ in SCHEDULE if job.__name__ == name]
    return job


def make_due(app) -> None:
    """Every pending delivery's next attempt is due now (instead of waiting out the backoff)."""
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Delivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def sweep(app) -> None:
    scheduled("deliver_due")()
    drain()


def deliveries(app) -> list[Delivery]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(Delivery).order_by(Delivery.id)).scalars())


@pytest.fixture()
def receiver(app, monkeypatch):
    use_config(app, monkeypatch, allow_private_store_urls=True)  # the receiver listens on 127.0.0.1
    with hook_server() as server:
        yield server


def register(api, url: str, events: list[str]) -> dict[str, Any]:
    answer = api.post("/webhook-endpoints", {"url": url, "events": events})
    assert answer.status_code == 201, answer.json
    return answer.json


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "http://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://2130706433/hooks",  # 127.0.0.1 written as a number
        "http://localhost/hooks",
        "ftp://example.com/hooks",
        "https://user:pass@example.com/hooks",
    ],
)
def test_an_endpoint_url_on_a_private_address_or_not_http_is_refused(api, url):
    answer = api.post("/webhook-endpoints", {"url": url, "events": ["points.earned"]})
    assert answer.status_code == 422
    assert answer.json["details"] == {"url": ["Must be a public http or https URL."]}
    assert api.get("/webhook-endpoints").json["items"] == []


def test_unknown_events_and_bad_bodies_are_refused(api):
    for body in (
        {"url": "https://example.com/h", "events": ["points.stolen"]},
        {"url": "https://example.com/h", "events": []},
        {"url": "https://example.com/h"},
        {"url": "x" * 3000, "events": ["points.earned"]},
        {"events": ["points.earned"]},
    ):
        assert api.post("/webhook-endpoints", body).status_code == 422, body
    assert api.get("/webhook-endpoints").json["items"] == []


def test_a_delivery_is_signed_and_verifies_with_the_standard_webhooks_library(app, api, deliver, receiver):
    endpoint = register(api, receiver.url, ["points.earned", "member.enrolled"])
    assert endpoint["secret"].startswith("whsec_") and endpoint["events"] == ["member.enrolled", "points.earned"]
    assert "secret" not in api.get("/webhook-endpoints").json["items"][0]
    deliver("orders/paid", fake30())
    assert len(receiver.received) == 2
    verified = [Webhook(endpoint["secret"]).verify(r.body, r.headers) for r in receiver.received]
    by_type = {payload["type"]: payload for payload in verified}
    assert set(by_type) == {"member.enrolled", "points.earned"}
    earned = by_type["points.earned"]["data"]
    assert (earned["points"], earned["state"], earned["available_at"], earned["cashback"]) == (
        181,
        "available",
        None,
        "3.62",
    )
    assert earned["member"]["email"] == "jane@example.com" and earned["order_id"] == "1073459981"
    assert by_type["points.earned"]["timestamp"].startswith(str(utcnow().year))
    with pytest.raises(Exception, match="signature"):  # another secret does not verify it
        Webhook("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB").verify(
            receiver.received[0].body, receiver.received[0].headers
        )
    deliver("orders/paid", fake30())  # a repeated order delivery: no new event, nothing sent
    assert len(receiver.received) == 2


def test_a_500_is_retried_with_the_same_webhook_id(app, api, deliver, receiver):
    endpoint = register(api, receiver.url, ["points.earned"])
    receiver.answers = [500]
    deliver("orders/paid", fake30())
    [row] = deliveries(app)
    assert (row.status, row.attempts, row.response_status) == ("pending", 1, 500)
    assert row.next_attempt_at > utcnow()
    sweep(app)  # not due yet: nothing is sent
    assert len(receiver.received) == 1
    make_due(app)
    sweep(app)
    assert len(receiver.received) == 2
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    Webhook(endpoint["secret"]).verify(second.body, second.headers)
    [row] = deliveries(app)
    assert (row.status, row.attempts, row.response_status) == ("sent", 2, 200)
    make_due(app)
    sweep(app)
    assert len(receiver.received) == 2  # sent: never again
    log = api.get(f"/webhook-endpoints/{endpoint['id']}/deliveries").json
    assert log["total"] == 1 and log["items"][0]["status"] == "sent" and log["items"][0]["attempts"] == 2
    assert log["items"][0]["webhook_id"] == first.headers["webhook-id"]


def test_a_timeout_is_retried_and_the_message_is_delivered_once(app, api, deliver, receiver, monkeypatch):
    from integrator.notify import webhook_send

    monkeypatch.setattr(webhook_send, "TIMEOUT", (2.0, 0.5))
    register(api, receiver.url, ["points.earned"])
    receiver.answers, receiver.slow_seconds = ["slow"], 1.5
    deliver("orders/paid", fake30())
    [row] = deliveries(app)
    assert (row.status, row.last_error) == ("pending", "timed out")
    make_due(app)
    sweep(app)
    make_due(app)
    sweep(app)
    [row] = deliveries(app)
    assert (row.status, row.attempts) == ("sent", 2)
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # one message, whatever arrived


def test_manual_redelivery_and_delete(app, api, deliver, receiver):
    endpoint = register(api, receiver.url, ["points.earned"])
    deliver("orders/paid", fake30())
    [row] = deliveries(app)
    answer = api.post(f"/webhook-endpoints/{endpoint['id']}/deliveries/{row.id}/redeliver", {})
    assert answer.status_code == 202
    drain()
    assert len(receiver.received) == 2
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]
    assert api.post(f"/webhook-endpoints/{endpoint['id']}/deliveries/{row.id + 99}/redeliver", {}).status_code == 404
    assert api.client.delete(f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=api.headers).status_code == 204
    assert api.get(f"/webhook-endpoints/{endpoint['id']}/deliveries").status_code == 404
    assert api.get("/webhook-endpoints").json["items"] == []


def test_an_endpoint_failing_for_days_is_disabled_with_a_notice_to_the_merchant(
    app, client, shop, api, deliver, receiver
):
    endpoint = register(api, receiver.url, ["points.earned"])
    with app.extensions["setia_db"].session() as session:
        session.execute(update(WebhookEndpoint).values(failing_since=utcnow() - timedelta(days=6)))
    receiver.answers = [503]
    deliver("orders/paid", fake30())
    [listed] = api.get("/webhook-endpoints").json["items"]
    assert listed["id"] == endpoint["id"] and listed["disabled"] is True
    make_due(app)
    sweep(app)
    assert len(receiver.received) == 1  # a disabled endpoint is sent nothing more
    assert json.loads(receiver.received[0].body)["type"] == "points.earned"
    from tests.integration.test_admin_members import sign_in

    sign_in(app, client, shop["id"])
    for page in ("/admin/", "/admin/notifications"):
        text = client.get(page).get_data(as_text=True)
        assert f"The webhook endpoint {receiver.url} failed for days and was disabled." in text, page


def test_events_older_than_90_days_are_pruned_unless_a_delivery_is_pending(app, api, deliver, receiver):
    from integrator.loyalty.models import DomainEvent
    from tests.deliveries import with_changes

    register(api, receiver.url, ["points.earned"])
    receiver.answers = [500]
    deliver("orders/paid", fake30())  # member.enrolled (no delivery) and points.earned (pending: a 500)
    deliver("orders/paid", with_changes(fake30(), id=1073459990, name="#1003"))  # points.earned, sent
    with app.extensions["setia_db"].session() as session:
        session.execute(update(DomainEvent).values(created_at=utcnow() - timedelta(days=91)))
    assert scheduled("prune_notifications")() == 2
    with app.extensions["setia_db"].session() as session:
        [kept] = session.execute(select(DomainEvent)).scalars()
        assert kept.type == "points.earned" and kept.data["order_id"] == "1073459981"
    [row] = deliveries(app)
    assert row.status == "pending"
    assert scheduled("prune_notifications")() == 0

"""Concurrency on real PostgreSQL, and nothing lost when Redis is down, a process crashes or a
handler fails."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select, update
from werkzeug.serving import make_server

from integrator import jobs, periodic, queue, worker
from integrator.inbox import Incoming, store_delivery
from integrator.loyalty import ledger
from integrator.loyalty.models import WebhookEvent, utcnow
from integrator.shopify.handlers import HANDLERS as SHOPIFY_HANDLERS
from tests.conftest import REDIS_URL, drain, requires_postgres, requires_redis
from tests.deliveries import SHOP_DOMAIN, fake30, money_set, sign, with_changes

CUSTOMER = "1073339475"


@pytest.fixture()
def live_url(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def post_delivery(url: str, topic: str, payload: dict, webhook_id: str) -> int:
    body = json.dumps(payload).encode()
    request = urllib.request.Request(  # noqa: S310 (our own loopback server)
        f"{url}/webhooks/shopify",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": SHOP_DOMAIN,
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Hmac-Sha256": sign(body),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return int(response.status)


def all_at_once(count: int, work) -> list:
    barrier = threading.Barrier(count)

    def run(index: int):
        barrier.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def event_ids(app) -> list[int]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(WebhookEvent.id).order_by(WebhookEvent.id)).scalars())


def statuses(app) -> list[str]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(WebhookEvent.status).order_by(WebhookEvent.id)).scalars())


def assert_ledger_ok(app) -> None:
    with app.extensions["setia_db"].session() as session:
        assert ledger.verify(session) == []


@requires_postgres
def test_50_concurrent_identical_deliveries_earn_once(app, shop, api, live_url):
    codes = all_at_once(50, lambda _: post_delivery(live_url, "orders/paid", fake30(), "the-same-delivery"))
    assert codes == [200] * 50
    assert len(event_ids(app)) == 1
    drain()
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["cashback_available"]) == (181, "3.62")
    assert_ledger_ok(app)


@requires_postgres
def test_50_deliveries_of_one_order_processed_in_parallel_earn_once(app, shop, api, live_url):
    topics = ["orders/create", "orders/paid", "orders/updated"]
    codes = all_at_once(50, lambda i: post_delivery(live_url, topics[i % 3], fake30(), f"delivery-{i}"))
    assert codes == [200] * 50
    ids = event_ids(app)
    assert len(ids) == 50
    # Fifty workers at once on the stored deliveries (inline mode has processed them in the requests).
    all_at_once(50, lambda i: jobs.process_event(ids[i]))
    assert set(statuses(app)) == {"processed"}
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["cashback_available"]) == (181, "3.62")
    assert_ledger_ok(app)


@requires_postgres
def test_concurrent_orders_of_one_member_all_count(app, shop, api):
    db = app.extensions["setia_db"]
    ids = []
    with db.session() as session:
        for i in range(30):
            order = with_changes(fake30(), id=5000 + i, current_subtotal_price_set=money_set("10.00"))
            incoming = Incoming(
                "shopify", SHOP_DOMAIN, shop["id"], "orders/paid", f"o-{i}", None, None, json.dumps(order).encode()
            )
            ids.append(store_delivery(session, incoming, "received"))
    all_at_once(30, lambda i: jobs.process_event(ids[i]))
    assert api.member(CUSTOMER)["points_available"] == 300
    assert_ledger_ok(app)


@requires_redis
def test_delivery_is_acknowledged_fast_while_redis_is_down_and_swept_later(app, shop, deliver, api, monkeypatch):
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5, socket_connect_timeout=0.5, retry=None)
    monkeypatch.setitem(app.extensions, "setia_queue_redis", dead)
    started = time.monotonic()
    response = deliver("orders/paid", fake30(), process=False)
    assert response.status_code == 200
    assert time.monotonic() - started < 1.5
    assert statuses(app) == ["received"]
    monkeypatch.undo()
    assert periodic.sweep() == 0  # not overdue yet: a healthy queue may still be on it
    age_deliveries(app, minutes=5)
    assert periodic.sweep() == 1
    drain()
    assert statuses(app) == ["processed"]
    assert api.member(CUSTOMER)["points_available"] == 181


def age_deliveries(app, minutes: int) -> None:
    with app.extensions["setia_db"].session() as session:
        session.execute(update(WebhookEvent).values(received_at=utcnow() - timedelta(minutes=minutes)))


def test_crash_between_storing_and_processing_loses_nothing(app, shop, api):
    # The process died right after the delivery committed: stored, never enqueued.
    with app.extensions["setia_db"].session() as session:
        incoming = Incoming(
            "shopify", SHOP_DOMAIN, shop["id"], "orders/paid", "crashed", None, None, json.dumps(fake30()).encode()
        )
        store_delivery(session, incoming, "received")
    age_deliveries(app, minutes=3)
    assert periodic.sweep() == 1
    drain()
    assert statuses(app) == ["processed"]
    assert api.member(CUSTOMER)["points_available"] == 181
    assert periodic.sweep() == 0


def test_failing_delivery_retries_with_backoff_then_fails_and_can_be_retried(app, shop, deliver, api, monkeypatch):
    real_handler = SHOPIFY_HANDLERS["orders/paid"]

    def broken(session, shop, payload):  # fault injection: the platform or a dependency failing
        raise RuntimeError("simulated outage")

    monkeypatch.setitem(SHOPIFY_HANDLERS, "orders/paid", broken)
    deliver("orders/paid", fake30())
    waits = []
    for attempt in range(1, queue.MAX_ATTEMPTS):
        with app.extensions["setia_db"].session() as session:
            event = session.execute(select(WebhookEvent)).scalar_one()
            assert (event.status, event.attempts) == ("retrying", attempt)
            assert "simulated outage" in event.last_error
            waits.append(round((event.next_attempt_at - utcnow()).total_seconds() / 30))
        assert periodic.sweep() == 0  # not due yet
        with app.extensions["setia_db"].session() as session:
            session.execute(update(WebhookEvent).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        assert periodic.sweep() == 1
        drain()
    assert waits == [1, 4, 16, 64, 256]  # 30 s × 4^n
    assert statuses(app) == ["failed"]
    result = app.test_cli_runner().invoke(args=["jobs", "failed"])
    assert "simulated outage" in result.output and "orders/paid" in result.output
    monkeypatch.setitem(SHOPIFY_HANDLERS, "orders/paid", real_handler)
    result = app.test_cli_runner().invoke(args=["jobs", "retry"])
    assert result.exit_code == 0 and "1 delivery(ies) queued again" in result.output
    drain()
    assert statuses(app) == ["processed"]
    assert api.member(CUSTOMER)["points_available"] == 181


@requires_postgres
@requires_redis
def test_deliveries_wait_in_the_database_and_concurrent_workers_claim_each_once(app, shop, deliver, api, monkeypatch):
    # The request hands nothing to Redis: with Redis unreachable it still answers, and queues no job.
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5, socket_connect_timeout=0.5, retry=None)
    monkeypatch.setitem(app.extensions, "setia_queue_redis", dead)
    for i in range(40):
        assert deliver("orders/paid", with_changes(fake30(), id=7000 + i), process=False).status_code == 200
    monkeypatch.undo()
    assert Queue(queue.QUEUE, connection=Redis.from_url(REDIS_URL)).count == 0
    assert statuses(app) == ["received"] * 40
    # Four workers claim at the same moment (FOR UPDATE SKIP LOCKED): every delivery once, none twice.
    claimed = all_at_once(4, lambda _: worker.drain_received())
    assert sum(claimed) == 40
    assert statuses(app) == ["processed"] * 40
    assert api.member(CUSTOMER)["points_available"] == 40 * 181
    assert_ledger_ok(app)


@requires_postgres
@requires_redis
def test_a_worker_that_dies_holding_a_delivery_leaves_it_to_the_next(app, shop, deliver, api):
    for i in range(3):
        deliver("orders/paid", with_changes(fake30(), id=7200 + i), process=False)
    first = event_ids(app)[0]
    db = app.extensions["setia_db"]
    with pytest.raises(RuntimeError), db.session() as dying:
        held = jobs._next_received(dying)  # a worker claims the oldest delivery...
        assert held is not None and held.id == first
        assert worker.drain_received() == 2  # ...the others skip it and take the rest meanwhile
        raise RuntimeError("the worker process dies before it commits")
    assert statuses(app) == ["received", "processed", "processed"]  # rolled back: still there
    assert worker.drain_received() == 1
    assert statuses(app) == ["processed"] * 3
    assert api.member(CUSTOMER)["points_available"] == 3 * 181
    assert_ledger_ok(app)

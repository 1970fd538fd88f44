"""A store that misbehaves on purpose (or through a broken cache) costs only its own job: listings
stop after MAX_PAGES pages (REFUND_PAGES for one order's refunds) or LISTING_SECONDS, a page padded
past PER_PAGE or repeating the one before fails at once, and one answer is read within
MAX_BODY_BYTES and BODY_SECONDS. The stores are real HTTP servers on 127.0.0.1 (the client is made
with allow_private) and, for deliveries, `responses`; every request they get is counted."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import http.server
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import responses
from flask import Flask
from sqlalchemy import select

from connectors.base import PlatformError
from connectors.woocommerce import client as woocommerce_client
from connectors.woocommerce import transport
from connectors.woocommerce.client import MAX_PAGES, PER_PAGE, REFUND_PAGES, WooCommerceClient
from integrator import jobs
from integrator.loyalty.models import Order, WebhookEvent
from integrator.loyalty.shops import connect_shop
from tests.conftest import drain
from tests.woocommerce_deliveries import STORE_API, STORE_TOKEN, connected_store, encode, fixture, headers

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
Answer = Callable[[http.server.BaseHTTPRequestHandler, int], None]


class Store(http.server.ThreadingHTTPServer):
    """A store whose every GET is answered by `answer(handler, page)`; `pages` lists the pages asked."""

    daemon_threads = True

    def __init__(self, answer: Answer) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.answer, self.pages = answer, []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    server: Store
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        page = int(query.get("page", ["1"])[0])
        self.server.pages.append(page)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client hung up on a refused answer
            self.server.answer(self, page)

    def log_message(self, *args: Any) -> None:
        pass


def send_json(handler: http.server.BaseHTTPRequestHandler, body: Any) -> None:
    raw = json.dumps(body).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(raw)))
    handler.end_headers()
    handler.wfile.write(raw)


def full_page(handler: http.server.BaseHTTPRequestHandler, page: int) -> None:
    """Every page is full, of new items: the listing never ends."""
    send_json(handler, [{"id": page * 1000 + n} for n in range(PER_PAGE)])


@pytest.fixture()
def serve() -> Iterator[Callable[[Answer], Store]]:
    started: list[Store] = []

    def start(answer: Answer) -> Store:
        store = Store(answer)
        threading.Thread(target=store.serve_forever, daemon=True).start()
        started.append(store)
        return store

    yield start
    for store in started:
        store.shutdown()
        store.server_close()


def client_of(store: Store) -> WooCommerceClient:
    return WooCommerceClient(store.url, "ck_test", "cs_test", allow_private=True)


def test_a_store_answering_full_pages_forever_is_stopped_after_max_pages(serve):
    store = serve(full_page)
    started, seen = time.monotonic(), []
    with pytest.raises(PlatformError, match=f"has over {MAX_PAGES} pages of orders: stopped") as stopped:
        seen.extend(client_of(store).orders_modified_since(SINCE))
    assert stopped.value.retryable is False
    assert store.pages == list(range(1, MAX_PAGES + 1))
    assert len(seen) == MAX_PAGES * PER_PAGE
    assert time.monotonic() - started < 30


def test_one_orders_refunds_stop_after_refund_pages(serve):
    store = serve(full_page)
    with pytest.raises(PlatformError, match=f"has over {REFUND_PAGES} pages of orders/723/refunds"):
        client_of(store).order_refunds("723")
    assert store.pages == list(range(1, REFUND_PAGES + 1))


def test_a_store_that_ignores_the_page_parameter_fails_on_the_second_page(serve):
    store = serve(lambda handler, page: send_json(handler, [{"id": n} for n in range(PER_PAGE)]))
    with pytest.raises(PlatformError, match="answered page 2 of webhooks with page 1"):
        client_of(store).list_webhooks()
    assert store.pages == [1, 2]


def test_a_page_padded_past_per_page_fails_at_once(serve):
    store = serve(lambda handler, page: send_json(handler, [{"id": n} for n in range(PER_PAGE * 50)]))
    with pytest.raises(PlatformError, match=f"answered {PER_PAGE * 50} orders for {PER_PAGE} a page"):
        list(client_of(store).orders_modified_since(SINCE))
    assert store.pages == [1]


def test_a_slow_listing_stops_after_listing_seconds(serve, monkeypatch):
    monkeypatch.setattr(woocommerce_client, "LISTING_SECONDS", 0.5)

    def slow(handler: http.server.BaseHTTPRequestHandler, page: int) -> None:
        time.sleep(0.2)
        full_page(handler, page)

    store = serve(slow)
    started = time.monotonic()
    with pytest.raises(PlatformError, match="took over 0.5 s to list orders: stopped"):
        list(client_of(store).orders_modified_since(SINCE))
    assert 2 <= len(store.pages) <= 4  # 0.2 s or more each: no page is asked for after 0.5 s
    assert time.monotonic() - started < 2


def endless_body(handler: http.server.BaseHTTPRequestHandler, page: int) -> None:
    """A chunked answer that never ends: `[` and then spaces, as fast as the socket takes them."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b" " * 65536
    handler.wfile.write(b"1\r\n[\r\n")
    while True:
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def test_an_answer_larger_than_max_body_bytes_is_refused_without_reading_it_all(serve, monkeypatch):
    monkeypatch.setattr(transport, "MAX_BODY_BYTES", 1024 * 1024)
    store = serve(endless_body)
    with pytest.raises(PlatformError, match="sent an answer over 1048576 bytes") as refused:
        client_of(store).list_webhooks()
    assert refused.value.retryable is False
    assert store.pages == [1]


def test_the_default_body_limit_refuses_an_endless_answer(serve):
    store = serve(endless_body)
    with pytest.raises(PlatformError, match=f"sent an answer over {16 * 1024 * 1024} bytes"):
        client_of(store).fetch_shop()


def test_a_small_compressed_answer_is_measured_by_what_it_inflates_to(serve):
    bomb = gzip.compress(b"[" + b" " * (20 * 1024 * 1024) + b"]")  # 20 KiB on the wire

    def gzipped(handler: http.server.BaseHTTPRequestHandler, page: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    store = serve(gzipped)
    assert len(bomb) < 64 * 1024
    with pytest.raises(PlatformError, match=f"sent an answer over {16 * 1024 * 1024} bytes"):
        client_of(store).list_webhooks()


def test_an_answer_dripping_slower_than_body_seconds_is_refused(serve, monkeypatch):
    monkeypatch.setattr(transport, "BODY_SECONDS", 0.5)

    def drip(handler: http.server.BaseHTTPRequestHandler, page: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(1000):  # one byte every 50 ms: each read is quick, the whole takes 50 s
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.05)

    store = serve(drip)
    started = time.monotonic()
    with pytest.raises(PlatformError, match="sent an answer still arriving after 0.5 s"):
        client_of(store).fetch_shop()
    assert time.monotonic() - started < 3


def test_an_honest_listing_still_reads_every_page(serve):
    def three_pages(handler: http.server.BaseHTTPRequestHandler, page: int) -> None:
        count = PER_PAGE if page < 3 else 7
        send_json(handler, [{"id": page * 1000 + n} for n in range(count)])

    store = serve(three_pages)
    assert len(list(client_of(store).orders_modified_since(SINCE))) == 2 * PER_PAGE + 7
    assert store.pages == [1, 2, 3]


# --- the worker: a misbehaving store's delivery does not hold another store's -------------------

OTHER_TOKEN, OTHER_SECRET = "wc-token-other-store-0000", "wc-other-secret"


def other_store(app: Flask) -> int:
    db, box = app.extensions["setia_db"], app.extensions["setia_box"]
    with db.session() as session:
        shop, _ = connect_shop(session, box, "woocommerce", "https://93.184.215.15", None, None, "api_keys")
        shop.consumer_key_enc, shop.consumer_secret_enc = box.encrypt("ck_other"), box.encrypt("cs_other")
        shop.webhook_token, shop.webhook_secret_enc = OTHER_TOKEN, box.encrypt(OTHER_SECRET)
        shop.settings = {"points_per_unit": "1"}
        return shop.id


def post(client: Any, token: str, secret: str, payload: dict[str, Any], delivery_id: str) -> None:
    body = encode(payload)
    response = client.post(
        f"/webhooks/woocommerce/{token}", data=body, headers=headers("order.updated", body, delivery_id, secret)
    )
    assert response.status_code == 200


def test_a_store_paginating_refunds_forever_costs_only_its_own_delivery(client, app, caplog):
    bad = connected_store(app, {"points_per_unit": "1"})
    good = other_store(app)
    refunds_asked: list[int] = []

    def endless_refunds(request: Any) -> tuple[int, dict[str, str], str]:
        page = int(urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)["page"][0])
        refunds_asked.append(page)
        refunds = [{"id": page * 1000 + n, "amount": "0.01", "line_items": []} for n in range(PER_PAGE)]
        return 200, {}, json.dumps(refunds)

    started = time.monotonic()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as store:
        store.add_callback(responses.GET, f"{STORE_API}/orders/723/refunds", callback=endless_refunds)
        with caplog.at_level(logging.WARNING, logger="connectors.woocommerce.client"):
            post(
                client, STORE_TOKEN, "wc-webhook-secret", fixture("order.updated__completed_partially_refunded"), "d-1"
            )
            post(
                client, OTHER_TOKEN, OTHER_SECRET, fixture("order.updated__completed_guest") | {"customer_id": 5}, "d-2"
            )
            drain()
    assert time.monotonic() - started < 20
    assert refunds_asked == list(range(1, REFUND_PAGES + 1))
    assert any(
        "refunds of order 723 not read" in r.getMessage() and f"over {REFUND_PAGES} pages" in r.getMessage()
        for r in caplog.records
    )
    with app.extensions["setia_db"].session() as session:
        assert set(session.execute(select(WebhookEvent.status)).scalars()) == {"processed"}
        orders = {row.shop_id: row.status for row in session.execute(select(Order)).scalars()}
    assert orders == {bad["id"]: "paid", good: "paid"}


def test_reconciling_a_store_that_lists_orders_forever_fails_its_job_with_the_reason(app, serve, monkeypatch):
    """The reconciliation job of a store answering full pages forever fails after MAX_PAGES
    requests (5 here: each page's 100 odd orders are skipped one by one), saying why."""
    monkeypatch.setattr(woocommerce_client, "MAX_PAGES", 5)
    store = serve(lambda handler, page: send_json(handler, [{"id": page * 1000 + n} for n in range(PER_PAGE)]))
    config = dataclasses.replace(app.extensions["setia_config"], allow_private_store_urls=True)
    monkeypatch.setitem(app.extensions, "setia_config", config)
    db, box = app.extensions["setia_db"], app.extensions["setia_box"]
    with db.session() as session:
        shop, _ = connect_shop(session, box, "woocommerce", store.url, None, None, "api_keys")
        shop.consumer_key_enc, shop.consumer_secret_enc = box.encrypt("ck"), box.encrypt("cs")
        shop_id = shop.id
    with pytest.raises(PlatformError, match="has over 5 pages of orders: stopped"):
        jobs.reconcile_shop(shop_id)
    assert store.pages == [1, 2, 3, 4, 5]

"""Connecting a WooCommerce store: wc-auth (connect redirect, key callback, the webhook job), the
`shops add-woocommerce` CLI, and the periodic check that puts the store's webhooks back. The store's
REST API is faked with `responses`; every request body is checked."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import urllib.parse
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import responses
from flask import Flask
from sqlalchemy import func, select, update

from integrator import periodic
from integrator.loyalty.models import PendingConnect, Shop, utcnow
from tests.conftest import drain

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "woocommerce"
STORE = "https://93.184.215.14"  # a public address literal: the SSRF guard needs no DNS
API = f"{STORE}/wp-json/wc/v3"
TOPICS = [
    "order.created",
    "order.updated",
    "order.deleted",
    "order.restored",
    "customer.created",
    "customer.updated",
]


@pytest.fixture(autouse=True)
def fresh_limits(app: Flask) -> None:
    """The connect limit counts per client address; without Redis the counts live in the app's
    memory for the whole test session, so every test here starts from zero."""
    app.extensions["setia_limiter"].reset()


@pytest.fixture()
def store() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _posted(mock: responses.RequestsMock, url: str, method: str = "POST") -> list[dict[str, Any]]:
    return [json.loads(c.request.body) for c in mock.calls if c.request.method == method and c.request.url == url]


def _shops(app: Flask) -> list[Shop]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(Shop)).scalars())


def _pending_count(app: Flask) -> int:
    with app.extensions["setia_db"].session() as session:
        return int(session.execute(select(func.count()).select_from(PendingConnect)).scalar_one())


def _start(client: Any) -> str:
    """Connect STORE; the nonce the redirect carries."""
    response = client.get("/auth/woocommerce/connect", query_string={"store_url": STORE + "/"})
    assert response.status_code == 302
    return urllib.parse.parse_qs(urllib.parse.urlsplit(response.headers["Location"]).query)["user_id"][0]


def _callback_body(nonce: str) -> dict[str, Any]:
    body = json.loads((FIXTURES / "wc_auth_callback__docs_example.json").read_text())
    return {**body, "user_id": nonce, "consumer_key": "ck_" + "a" * 40, "consumer_secret": "cs_" + "b" * 40}


def _webhook_api(store: responses.RequestsMock, existing: list[dict[str, Any]] | None = None) -> None:
    store.get(f"{API}/webhooks", json=existing or [])
    store.post(f"{API}/webhooks", status=201, json={"id": 142, "status": "active"})


def test_connect_redirects_to_the_store_grant_screen_with_a_stored_nonce(client, app):
    response = client.get("/auth/woocommerce/connect", query_string={"store_url": "HTTPS://93.184.215.14/"})
    assert response.status_code == 302
    location = urllib.parse.urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{STORE}/wc-auth/v1/authorize"
    query = urllib.parse.parse_qs(location.query)
    assert query["app_name"] == ["Setia"]
    assert query["scope"] == ["read_write"]
    assert query["return_url"] == ["https://setia.test/admin/settings"]
    assert query["callback_url"] == ["https://setia.test/auth/woocommerce/callback"]
    with app.extensions["setia_db"].session() as session:
        pending = session.execute(select(PendingConnect)).scalar_one()
        assert (pending.platform, pending.nonce, pending.store_url) == ("woocommerce", query["user_id"][0], STORE)
        assert pending.used_at is None


@pytest.mark.parametrize(
    "store_url", ["http://127.0.0.1/", "http://10.0.0.5", "http://169.254.169.254/", "ftp://93.184.215.14", ""]
)
def test_connect_to_a_refused_store_url_answers_400_and_stores_nothing(client, app, store_url):
    response = client.get("/auth/woocommerce/connect", query_string={"store_url": store_url})
    assert response.status_code == 400
    assert response.json["error"]
    assert _pending_count(app) == 0


def test_connect_to_a_local_store_is_allowed_with_allow_private_store_urls(client, app, monkeypatch):
    config = dataclasses.replace(app.extensions["setia_config"], allow_private_store_urls=True)
    monkeypatch.setitem(app.extensions, "setia_config", config)
    response = client.get("/auth/woocommerce/connect", query_string={"store_url": "http://localhost:8080"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("http://localhost:8080/wc-auth/v1/authorize?")


def test_callback_stores_the_keys_encrypted_and_the_job_creates_the_six_webhooks(client, app, store):
    nonce = _start(client)
    _webhook_api(store)
    response = client.post("/auth/woocommerce/callback", json=_callback_body(nonce))
    assert response.status_code == 200
    assert len(store.calls) == 0  # answered before any call to the store
    response.close()  # the server has sent the answer
    drain()
    [shop] = _shops(app)
    box = app.extensions["setia_box"]
    assert (shop.platform, shop.domain, shop.install_kind) == ("woocommerce", STORE, "wc_auth")
    assert b"ck_" not in shop.consumer_key_enc and b"cs_" not in shop.consumer_secret_enc
    assert box.decrypt(shop.consumer_key_enc) == "ck_" + "a" * 40
    assert box.decrypt(shop.consumer_secret_enc) == "cs_" + "b" * 40
    secret = box.decrypt(shop.webhook_secret_enc)
    assert len(secret) >= 32 and shop.webhook_token
    posted = _posted(store, f"{API}/webhooks")
    assert posted == [
        {
            "name": f"Setia {topic}",
            "topic": topic,
            "delivery_url": f"https://setia.test/webhooks/woocommerce/{shop.webhook_token}",
            "secret": secret,
        }
        for topic in TOPICS
    ]
    assert all(c.request.headers["Authorization"].startswith("Basic ") for c in store.calls)
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(PendingConnect)).scalar_one().used_at is not None


def test_webhook_job_run_again_creates_nothing_more(client, app, store):
    from integrator.woocommerce_stores import ensure_webhooks

    nonce = _start(client)
    _webhook_api(store)
    client.post("/auth/woocommerce/callback", json=_callback_body(nonce)).close()
    drain()
    [shop] = _shops(app)
    url = f"https://setia.test/webhooks/woocommerce/{shop.webhook_token}"
    made = [{"id": n, "topic": t, "status": "active", "delivery_url": url} for n, t in enumerate(TOPICS)]
    store.replace(responses.GET, f"{API}/webhooks", json=made)
    assert ensure_webhooks(shop.id) == []
    assert len(_posted(store, f"{API}/webhooks")) == 6


def test_callback_with_an_unknown_nonce_answers_400_and_stores_nothing(client, app, store):
    _start(client)
    response = client.post("/auth/woocommerce/callback", json=_callback_body("not-a-nonce"))
    assert response.status_code == 400
    assert _shops(app) == []
    assert len(store.calls) == 0


def test_callback_without_keys_answers_400(client, app):
    nonce = _start(client)
    response = client.post("/auth/woocommerce/callback", json={"user_id": nonce})
    assert response.status_code == 400
    assert _shops(app) == []


def test_callback_reusing_a_nonce_answers_400_and_changes_nothing(client, app, store):
    nonce = _start(client)
    _webhook_api(store)
    with client.post("/auth/woocommerce/callback", json=_callback_body(nonce)) as first:
        assert first.status_code == 200
    drain()
    calls = len(store.calls)
    again = {**_callback_body(nonce), "consumer_key": "ck_attacker", "consumer_secret": "cs_attacker"}
    assert client.post("/auth/woocommerce/callback", json=again).status_code == 400
    drain()
    [shop] = _shops(app)
    assert app.extensions["setia_box"].decrypt(shop.consumer_key_enc) == "ck_" + "a" * 40
    assert len(store.calls) == calls


def test_callback_with_an_expired_nonce_answers_400_and_stores_nothing(client, app, store):
    nonce = _start(client)
    with app.extensions["setia_db"].session() as session:
        session.execute(update(PendingConnect).values(created_at=utcnow() - timedelta(hours=1, minutes=1)))
    response = client.post("/auth/woocommerce/callback", json=_callback_body(nonce))
    assert response.status_code == 400
    assert _shops(app) == []
    assert len(store.calls) == 0


def _add(app: Flask, *extra: str) -> Any:
    args = ["shops", "add-woocommerce", "--url", STORE, "--consumer-key", "ck_cli", "--consumer-secret", "cs_cli"]
    return app.test_cli_runner().invoke(args=args + list(extra))


def test_add_woocommerce_checks_the_keys_creates_the_webhooks_and_prints_the_shop(app, store):
    store.get(f"{API}/settings/general/woocommerce_currency", json={"id": "woocommerce_currency", "value": "IDR"})
    _webhook_api(store)
    result = _add(app)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert set(printed) == {"shop_id", "public_id", "api_key", "widget_secret"}
    [shop] = _shops(app)
    box = app.extensions["setia_box"]
    assert (printed["shop_id"], printed["public_id"]) == (shop.id, shop.public_id)
    assert printed["widget_secret"] == box.decrypt(shop.widget_secret_enc)
    assert (shop.domain, shop.currency, shop.install_kind) == (STORE, "IDR", "api_keys")
    assert box.decrypt(shop.consumer_key_enc) == "ck_cli"
    posted = _posted(store, f"{API}/webhooks")
    assert [body["topic"] for body in posted] == TOPICS
    assert {body["delivery_url"] for body in posted} == {
        f"https://setia.test/webhooks/woocommerce/{shop.webhook_token}"
    }
    assert {body["secret"] for body in posted} == {box.decrypt(shop.webhook_secret_enc)}
    api = app.test_client().get("/api/v1/settings", headers={"Authorization": f"Bearer {printed['api_key']}"})
    assert api.status_code == 200


def test_add_woocommerce_with_refused_keys_exits_1_and_stores_nothing(app, store):
    store.get(
        f"{API}/settings/general/woocommerce_currency",
        status=401,
        json={"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources.", "data": {}},
    )
    result = _add(app)
    assert result.exit_code == 1
    assert "refused" in result.output
    assert _shops(app) == []
    assert _posted(store, f"{API}/webhooks") == []


def test_add_woocommerce_refuses_a_private_store_url(app, store):
    args = [
        "shops",
        "add-woocommerce",
        "--url",
        "http://192.168.1.4",
        "--consumer-key",
        "ck",
        "--consumer-secret",
        "cs",
    ]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1
    assert _shops(app) == []
    assert len(store.calls) == 0


def test_connecting_again_keeps_the_webhook_secret_and_delivery_token(app, store):
    store.get(f"{API}/settings/general/woocommerce_currency", json={"value": "USD"})
    _webhook_api(store)
    first = json.loads(_add(app).stdout)
    [before] = _shops(app)
    second = json.loads(_add(app).stdout)
    [after] = _shops(app)
    box = app.extensions["setia_box"]
    assert first["shop_id"] == second["shop_id"]
    assert after.webhook_token == before.webhook_token
    assert box.decrypt(after.webhook_secret_enc) == box.decrypt(before.webhook_secret_enc)


def test_periodic_check_recreates_a_missing_webhook_and_re_enables_a_disabled_one(app, store):
    store.get(f"{API}/settings/general/woocommerce_currency", json={"value": "USD"})
    _webhook_api(store)
    _add(app)
    [shop] = _shops(app)
    url = f"https://setia.test/webhooks/woocommerce/{shop.webhook_token}"
    on_store = [
        {"id": 10 + n, "topic": topic, "status": "active", "delivery_url": url}
        for n, topic in enumerate(TOPICS[1:])  # order.created was deleted by the merchant
    ]
    on_store[0]["status"] = "disabled"  # order.updated: 7 failed deliveries
    on_store[1]["status"] = "paused"  # order.deleted: paused by the merchant, left alone
    store.replace(responses.GET, f"{API}/webhooks", json=on_store)
    store.put(f"{API}/webhooks/10", json={"id": 10, "status": "active"})
    already = len(_posted(store, f"{API}/webhooks"))

    assert periodic.check_woocommerce_webhooks() == 1
    drain()

    assert _posted(store, f"{API}/webhooks")[already:] == [
        {
            "name": "Setia order.created",
            "topic": "order.created",
            "delivery_url": url,
            "secret": app.extensions["setia_box"].decrypt(shop.webhook_secret_enc),
        }
    ]
    assert _posted(store, f"{API}/webhooks/10", method="PUT") == [{"status": "active"}]
    assert [c.request.url for c in store.calls if c.request.method == "PUT"] == [f"{API}/webhooks/10"]


def test_reconciliation_pulls_the_orders_the_webhooks_missed(app, store):
    from integrator import jobs
    from integrator.loyalty.models import Order

    store.get(f"{API}/settings/general/woocommerce_currency", json={"value": "USD"})
    _webhook_api(store)
    printed = json.loads(_add(app).stdout)
    order = json.loads((FIXTURES / "order.updated__completed_guest.json").read_text())
    store.get(f"{API}/orders", json=[order])

    assert jobs.reconcile_shop(printed["shop_id"]) == 1

    [call] = [c for c in store.calls if c.request.url.startswith(f"{API}/orders")]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(call.request.url).query)
    assert query["per_page"] == ["100"] and query["page"] == ["1"] and query["dates_are_gmt"] == ["true"]
    [shop] = _shops(app)  # first run: everything modified since the store connected
    assert query["modified_after"] == [shop.created_at.strftime("%Y-%m-%dT%H:%M:%S")]
    with app.extensions["setia_db"].session() as session:
        row = session.execute(select(Order)).scalar_one()
        assert (row.shop_id, row.platform_order_id, row.status) == (printed["shop_id"], "727", "paid")
        assert session.get(Shop, printed["shop_id"]).reconciled_at is not None


def test_a_connected_store_is_found_by_its_url_for_login_links(app, store):
    store.get(f"{API}/settings/general/woocommerce_currency", json={"value": "USD"})
    _webhook_api(store)
    _add(app)
    for ref in (STORE, STORE + "/", "93.184.215.14"):
        result = app.test_cli_runner().invoke(args=["shops", "login-link", ref])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("https://setia.test/admin/login/")


def test_connect_is_rate_limited_per_client_address_with_retry_after(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WOOCOMMERCE_CONNECT_LIMIT", "3 per day")
    for _ in range(3):
        _start(client)
    refused = client.get("/auth/woocommerce/connect", query_string={"store_url": STORE})
    assert refused.status_code == 429
    assert refused.json["error"] == "too many connection attempts: wait and try again"
    assert 1 <= int(refused.headers["Retry-After"]) <= 86_401
    assert _pending_count(app) == 3  # the refused attempt stored nothing
    # Another address has its own allowance.
    other = client.get(
        "/auth/woocommerce/connect", query_string={"store_url": STORE}, environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )
    assert other.status_code == 302
    # The callback (WooCommerce's own POST) is not counted against the merchant's address.
    assert client.post("/auth/woocommerce/callback", json={}).status_code == 400


def test_used_and_expired_connect_nonces_are_cleaned_up_by_the_scheduled_job(client, app, store):
    scheduled = dict(periodic.SCHEDULE)
    assert periodic.forget_pending_connects in scheduled
    _webhook_api(store)
    used, expired, fresh = _start(client), _start(client), _start(client)
    with client.post("/auth/woocommerce/callback", json=_callback_body(used)) as connected:
        assert connected.status_code == 200
    with app.extensions["setia_db"].session() as session:
        session.execute(
            update(PendingConnect)
            .where(PendingConnect.nonce == expired)
            .values(created_at=utcnow() - timedelta(hours=2))
        )
    assert periodic.forget_pending_connects() == 2
    with app.extensions["setia_db"].session() as session:
        assert list(session.execute(select(PendingConnect.nonce)).scalars()) == [fresh]
    with client.post("/auth/woocommerce/callback", json=_callback_body(fresh)) as connected:
        assert connected.status_code == 200  # a nonce still in time still connects
    drain()


class KeyedStore:
    """The store's REST API answering only calls signed with the keys it issued (401 otherwise, as
    WooCommerce does); `keys` is what the store accepts right now."""

    def __init__(self, mock: responses.RequestsMock, key: str, secret: str) -> None:
        self.mock, self.keys = mock, (key, secret)
        answers = [
            (
                responses.GET,
                f"{API}/settings/general/woocommerce_currency",
                {"id": "woocommerce_currency", "value": "USD"},
            ),
            (responses.GET, f"{API}/webhooks", []),
            (responses.POST, f"{API}/webhooks", {"id": 142, "status": "active"}),
        ]
        for method, url, body in answers:
            mock.add_callback(method, url, callback=lambda request, body=body: self._answer(request, body))

    def _answer(self, request: Any, body: Any) -> tuple[int, dict[str, str], str]:
        expected = "Basic " + base64.b64encode(":".join(self.keys).encode()).decode()
        if request.headers.get("Authorization") != expected:
            refusal = {"code": "woocommerce_rest_cannot_view", "message": "Sorry, you cannot list resources."}
            return 401, {}, json.dumps({**refusal, "data": {"status": 401}})
        return (201 if request.method == "POST" else 200), {}, json.dumps(body)

    def calls_signed_with(self, key: str, secret: str) -> list[tuple[str, str]]:
        auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        return [
            (c.request.method, c.request.url.split("?")[0])
            for c in self.mock.calls
            if c.request.headers.get("Authorization") == auth
        ]


WORKING = ("ck_" + "a" * 40, "cs_" + "b" * 40)  # the keys _callback_body sends


def _waiting_keys(app: Flask) -> list[tuple[str, str]]:
    """The keys connections brought that wait for their check, decrypted."""
    box = app.extensions["setia_box"]
    with app.extensions["setia_db"].session() as session:
        rows = session.execute(select(PendingConnect).where(PendingConnect.consumer_key_enc.is_not(None))).scalars()
        return [(box.decrypt(row.consumer_key_enc), box.decrypt(row.consumer_secret_enc)) for row in rows]


def _connected(client: Any, app: Flask, store: responses.RequestsMock, uninstalled: bool) -> tuple[KeyedStore, Shop]:
    keyed = KeyedStore(store, *WORKING)
    client.post("/auth/woocommerce/callback", json=_callback_body(_start(client))).close()
    drain()
    if uninstalled:
        with app.extensions["setia_db"].session() as session:
            session.execute(update(Shop).values(uninstalled_at=utcnow() - timedelta(days=3)))
    [shop] = _shops(app)
    assert app.extensions["setia_box"].decrypt(shop.consumer_key_enc) == WORKING[0]
    return keyed, shop


@pytest.mark.parametrize("uninstalled", [False, True], ids=["connected", "uninstalled"])
def test_callback_with_made_up_keys_for_a_connected_store_changes_nothing(client, app, store, uninstalled):
    """The takeover: anyone starts a connection for a known store's URL and posts made-up keys."""
    keyed, before = _connected(client, app, store, uninstalled)
    made_up = {"consumer_key": "ck_" + "e" * 40, "consumer_secret": "cs_" + "f" * 40}
    calls = len(store.calls)
    attacker = client.get(
        "/auth/woocommerce/connect", query_string={"store_url": STORE}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    nonce = urllib.parse.parse_qs(urllib.parse.urlsplit(attacker.headers["Location"]).query)["user_id"][0]
    response = client.post("/auth/woocommerce/callback", json={**_callback_body(nonce), **made_up})
    assert response.status_code == 200  # WooCommerce deletes keys on anything else
    assert len(store.calls) == calls  # answered before any call to the store
    response.close()
    drain()

    [after] = _shops(app)
    box = app.extensions["setia_box"]
    assert (box.decrypt(after.consumer_key_enc), box.decrypt(after.consumer_secret_enc)) == WORKING
    assert (after.uninstalled_at, after.install_kind) == (before.uninstalled_at, before.install_kind)
    assert (after.webhook_token, after.webhook_secret_enc) == (before.webhook_token, before.webhook_secret_enc)
    assert _waiting_keys(app) == []
    # The made-up keys were tried once, on the store's own URL, and nothing else was done.
    tried = keyed.calls_signed_with(made_up["consumer_key"], made_up["consumer_secret"])
    assert tried == [("GET", f"{API}/settings/general/woocommerce_currency")]
    assert len(store.calls) == calls + 1


def test_reconnecting_an_uninstalled_store_takes_the_keys_once_the_store_accepts_them(client, app, store):
    keyed, before = _connected(client, app, store, uninstalled=True)
    box = app.extensions["setia_box"]
    fresh = ("ck_" + "c" * 40, "cs_" + "d" * 40)
    keyed.keys = fresh  # the merchant approved again: the store issued new keys
    made = len(_posted(store, f"{API}/webhooks"))
    response = client.post(
        "/auth/woocommerce/callback",
        json={**_callback_body(_start(client)), "consumer_key": fresh[0], "consumer_secret": fresh[1]},
    )
    assert response.status_code == 200
    [waiting] = _shops(app)  # nothing taken before the store has accepted the keys
    assert box.decrypt(waiting.consumer_key_enc) == WORKING[0] and waiting.uninstalled_at is not None
    assert _waiting_keys(app) == [fresh]
    response.close()
    drain()

    [after] = _shops(app)
    assert (box.decrypt(after.consumer_key_enc), box.decrypt(after.consumer_secret_enc)) == fresh
    assert after.uninstalled_at is None and _waiting_keys(app) == []
    assert after.webhook_token == before.webhook_token  # the webhooks on the store keep delivering
    url = f"https://setia.test/webhooks/woocommerce/{after.webhook_token}"
    posted = _posted(store, f"{API}/webhooks")[made:]
    assert [(body["topic"], body["delivery_url"]) for body in posted] == [(topic, url) for topic in TOPICS]
    assert {body["secret"] for body in posted} == {box.decrypt(before.webhook_secret_enc)}
    signed = keyed.calls_signed_with(*fresh)
    assert signed[:2] == [("GET", f"{API}/settings/general/woocommerce_currency"), ("GET", f"{API}/webhooks")]


def test_made_up_keys_posted_meanwhile_do_not_push_out_the_merchants_own(client, app, store):
    """An attacker's callback arriving between the merchant's and its check neither replaces the
    merchant's keys nor gets its own taken: each connection's keys are checked on their own."""
    keyed, _ = _connected(client, app, store, uninstalled=False)
    fresh = ("ck_" + "c" * 40, "cs_" + "d" * 40)
    keyed.keys = fresh
    merchant = client.post(
        "/auth/woocommerce/callback",
        json={**_callback_body(_start(client)), "consumer_key": fresh[0], "consumer_secret": fresh[1]},
    )
    made_up = {"consumer_key": "ck_" + "e" * 40, "consumer_secret": "cs_" + "f" * 40}
    attacker = client.post("/auth/woocommerce/callback", json={**_callback_body(_start(client)), **made_up})
    assert (merchant.status_code, attacker.status_code) == (200, 200)
    attacker.close()  # the attacker's check runs first (inline), then the merchant's
    merchant.close()
    drain()
    [shop] = _shops(app)
    box = app.extensions["setia_box"]
    assert (box.decrypt(shop.consumer_key_enc), box.decrypt(shop.consumer_secret_enc)) == fresh
    assert _waiting_keys(app) == []


def test_keys_for_a_connected_store_that_cannot_be_reached_are_dropped(client, app, store, caplog):
    _connected(client, app, store, uninstalled=False)
    store.replace(responses.GET, f"{API}/settings/general/woocommerce_currency", status=503)
    with caplog.at_level(logging.WARNING, logger="integrator.woocommerce_stores"):
        client.post(
            "/auth/woocommerce/callback",
            json={**_callback_body(_start(client)), "consumer_key": "ck_new", "consumer_secret": "cs_new"},
        ).close()
        drain()
    [shop] = _shops(app)
    assert app.extensions["setia_box"].decrypt(shop.consumer_key_enc) == WORKING[0]
    assert _waiting_keys(app) == []
    assert any(f"keys sent for {STORE} dropped" in r.getMessage() and "503" in r.getMessage() for r in caplog.records)


def test_keys_waiting_for_their_check_outlive_the_hourly_clean_up_until_the_nonce_expires(client, app, store):
    _connected(client, app, store, uninstalled=False)
    with app.extensions["setia_db"].session() as session:  # keys arrived; the worker has not run yet
        pending = PendingConnect(platform="woocommerce", nonce="n-waiting", store_url=STORE, created_at=utcnow())
        pending.used_at = utcnow()
        pending.consumer_key_enc = app.extensions["setia_box"].encrypt("ck_new")
        pending.consumer_secret_enc = app.extensions["setia_box"].encrypt("cs_new")
        session.add(pending)
    periodic.forget_pending_connects()
    assert _waiting_keys(app) == [("ck_new", "cs_new")]
    with app.extensions["setia_db"].session() as session:
        session.execute(update(PendingConnect).values(created_at=utcnow() - timedelta(hours=1, minutes=1)))
    periodic.forget_pending_connects()
    assert _waiting_keys(app) == []

"""Connecting a WooCommerce store: wc-auth (connect redirect, key callback, the webhook job), the
`shops add-woocommerce` CLI, and the periodic check that puts the store's webhooks back. The store's
REST API is the strict fake (tests/fake_woocommerce.py); every request body is checked."""

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
from flask import Flask
from sqlalchemy import func, select, update

from integrator import periodic
from integrator.loyalty.models import PendingConnect, Shop, utcnow
from tests.conftest import drain
from tests.fake_woocommerce import FakeWooCommerce, fake_woocommerce

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


WC_AUTH_KEYS = ("ck_" + "a" * 40, "cs_" + "b" * 40)  # what the store's wc-auth posts back
CLI_KEYS = ("ck_cli", "cs_cli")  # made by hand in the store's admin


@pytest.fixture()
def store() -> Iterator[FakeWooCommerce]:
    with fake_woocommerce(keys=[WC_AUTH_KEYS, CLI_KEYS], api=API) as fake:
        yield fake


def _posted(store: FakeWooCommerce, url: str, method: str = "POST") -> list[dict[str, Any]]:
    return [json.loads(c.request.body) for c in store.calls if c.request.method == method and c.request.url == url]


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
    return {**body, "user_id": nonce, "consumer_key": WC_AUTH_KEYS[0], "consumer_secret": WC_AUTH_KEYS[1]}


def test_connect_redirects_to_the_store_grant_screen_with_a_stored_nonce(client, app):
    response = client.get("/auth/woocommerce/connect", query_string={"store_url": "HTTPS://93.184.215.14/"})
    assert response.status_code == 302
    location = urllib.parse.urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{STORE}/wc-auth/v1/authorize"
    query = urllib.parse.parse_qs(location.query)
    assert query["app_name"] == ["Setia"]
    assert query["scope"] == ["read_write"]
    assert query["return_url"] == ["https://setia.test/auth/woocommerce/return"]
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
    from integrator.woocommerce.stores import ensure_webhooks

    nonce = _start(client)
    client.post("/auth/woocommerce/callback", json=_callback_body(nonce)).close()
    drain()
    [shop] = _shops(app)
    assert ensure_webhooks(shop.id) == []
    assert len(_posted(store, f"{API}/webhooks")) == 6
    assert len(store.webhooks) == 6


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
    store.currency = "IDR"
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
    store.keys = {WC_AUTH_KEYS}  # the CLI's keys were revoked on the store
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
    first = json.loads(_add(app).stdout)
    [before] = _shops(app)
    second = json.loads(_add(app).stdout)
    [after] = _shops(app)
    box = app.extensions["setia_box"]
    assert first["shop_id"] == second["shop_id"]
    assert after.webhook_token == before.webhook_token
    assert box.decrypt(after.webhook_secret_enc) == box.decrypt(before.webhook_secret_enc)


def test_periodic_check_recreates_a_missing_webhook_and_replaces_a_disabled_one(app, store):
    _add(app)
    [shop] = _shops(app)
    url = f"https://setia.test/webhooks/woocommerce/{shop.webhook_token}"
    hooks = {hook["topic"]: hook["id"] for hook in store.hooks_delivering_to(url)}
    del store.webhooks[hooks["order.created"]]  # deleted by the merchant
    store.fail_deliveries(hooks["order.updated"], 7)  # WooCommerce disables it at the 7th failure in a row
    store.webhooks[hooks["order.deleted"]]["status"] = "paused"  # paused by the merchant: left alone
    assert store.webhooks[hooks["order.updated"]]["status"] == "disabled"

    assert periodic.check_woocommerce_webhooks() == 1
    drain()

    secret = app.extensions["setia_box"].decrypt(shop.webhook_secret_enc)
    now = {hook["topic"]: hook for hook in store.hooks_delivering_to(url)}
    assert sorted(now) == sorted(TOPICS)
    for topic in ("order.created", "order.updated"):  # made anew: no failures counted
        assert (now[topic]["status"], now[topic]["failure_count"], now[topic]["secret"]) == ("active", 0, secret)
    assert store.deleted_webhooks == [hooks["order.updated"]]  # the disabled one is gone
    assert (now["order.deleted"]["id"], now["order.deleted"]["status"]) == (hooks["order.deleted"], "paused")
    # A re-enabled webhook would keep its 6 failures and be disabled by the very next one.
    store.fail_deliveries(now["order.updated"]["id"], 1)
    assert store.webhooks[now["order.updated"]["id"]]["status"] == "active"


def test_reconciliation_pulls_the_orders_the_webhooks_missed(app, store):
    from integrator import jobs
    from integrator.loyalty.models import Order

    printed = json.loads(_add(app).stdout)
    order = json.loads((FIXTURES / "order.updated__completed_guest.json").read_text())
    modified = (utcnow() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")  # after the store connected
    store.orders.append({**order, "date_modified_gmt": modified})

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


def _with_app_url(app: Flask, monkeypatch: pytest.MonkeyPatch, app_url: str) -> None:
    monkeypatch.setitem(
        app.extensions, "setia_config", dataclasses.replace(app.extensions["setia_config"], app_url=app_url)
    )


def test_connect_with_an_app_url_on_a_port_wordpress_refuses_answers_400_and_stores_nothing(client, app, monkeypatch):
    _with_app_url(app, monkeypatch, "https://setia.test:8443")
    response = client.get("/auth/woocommerce/connect", query_string={"store_url": STORE})
    assert response.status_code == 400
    assert "port 8443" in response.json["error"] and "80, 443 and 8080" in response.json["error"]
    assert _pending_count(app) == 0


@pytest.mark.parametrize("app_url", ["https://setia.test:443", "http://setia.test:8080", "http://setia.test:80"])
def test_connect_with_an_app_url_on_a_port_wordpress_delivers_to_goes_on(client, app, monkeypatch, app_url):
    _with_app_url(app, monkeypatch, app_url)
    response = client.get("/auth/woocommerce/connect", query_string={"store_url": STORE})
    assert response.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(response.headers["Location"]).query)
    assert query["callback_url"] == [f"{app_url}/auth/woocommerce/callback"]


def test_add_woocommerce_with_an_app_url_on_a_port_wordpress_refuses_exits_1_and_calls_nothing(app, store, monkeypatch):
    _with_app_url(app, monkeypatch, "http://127.0.0.1:5000")
    result = _add(app)
    assert result.exit_code == 1
    assert "port 5000" in result.output and "80, 443 and 8080" in result.output
    assert _shops(app) == []
    assert len(store.calls) == 0


def test_add_woocommerce_in_development_warns_about_the_port_and_connects(app, store, monkeypatch):
    """With ALLOW_PRIVATE_STORE_URLS=1 (a local store, development and tests) the port is a warning:
    such a WordPress needs filters to deliver to a private address anyway, and allows a port the same way."""
    config = dataclasses.replace(
        app.extensions["setia_config"], app_url="http://127.0.0.1:5000", allow_private_store_urls=True
    )
    monkeypatch.setitem(app.extensions, "setia_config", config)
    result = _add(app)
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "port 5000" in result.output
    [shop] = _shops(app)
    assert shop.domain == STORE


def test_a_denied_connection_drops_the_nonce_and_tells_the_merchant(client, app, store):
    nonce = _start(client)
    page = client.get("/auth/woocommerce/return", query_string={"success": "0", "user_id": nonce})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Your store was not connected" in text and "Connect to Setia" in text
    assert page.headers["Cache-Control"] == "no-store"
    assert _pending_count(app) == 0
    # Keys posted with that nonce afterwards connect nothing.
    assert client.post("/auth/woocommerce/callback", json=_callback_body(nonce)).status_code == 400
    assert _shops(app) == [] and len(store.calls) == 0


def test_the_denied_page_is_in_indonesian_for_an_indonesian_browser(client, app):
    nonce = _start(client)
    page = client.get(
        "/auth/woocommerce/return",
        query_string={"success": "0", "user_id": nonce},
        headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"},
    )
    text = page.get_data(as_text=True)
    assert '<html lang="id">' in text and "Toko Anda tidak terhubung" in text
    assert "Your store was not connected" not in text


def test_an_approved_connection_goes_on_to_the_settings_page(client, app, store):
    nonce = _start(client)
    with client.post("/auth/woocommerce/callback", json=_callback_body(nonce)) as connected:
        assert connected.status_code == 200
    drain()
    response = client.get("/auth/woocommerce/return", query_string={"success": "1", "user_id": nonce})
    assert (response.status_code, response.headers["Location"]) == (302, "https://setia.test/admin/settings")
    assert len(_shops(app)) == 1


def test_a_denial_never_undoes_a_connection_made_with_the_nonce(client, app, store):
    nonce = _start(client)
    with client.post("/auth/woocommerce/callback", json=_callback_body(nonce)) as connected:
        assert connected.status_code == 200
    drain()
    assert client.get("/auth/woocommerce/return", query_string={"success": "0", "user_id": nonce}).status_code == 200
    assert len(_shops(app)) == 1 and _pending_count(app) == 1  # the used nonce is the cleanup job's


@pytest.mark.parametrize("query", [{}, {"success": "yes"}, {"success": ["0", "1"]}])
def test_a_return_without_a_clear_answer_is_400(client, query):
    response = client.get("/auth/woocommerce/return", query_string=query)
    assert response.status_code == 400 and response.json["error"]


def _calls_signed_with(store: FakeWooCommerce, key: str, secret: str) -> list[tuple[str, str]]:
    auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    return [
        (c.request.method, c.request.url.split("?")[0])
        for c in store.calls
        if c.request.headers.get("Authorization") == auth
    ]


WORKING = ("ck_" + "a" * 40, "cs_" + "b" * 40)  # the keys _callback_body sends


def _waiting_keys(app: Flask) -> list[tuple[str, str]]:
    """The keys connections brought that wait for their check, decrypted."""
    box = app.extensions["setia_box"]
    with app.extensions["setia_db"].session() as session:
        rows = session.execute(select(PendingConnect).where(PendingConnect.consumer_key_enc.is_not(None))).scalars()
        return [(box.decrypt(row.consumer_key_enc), box.decrypt(row.consumer_secret_enc)) for row in rows]


def _connected(client: Any, app: Flask, store: FakeWooCommerce, uninstalled: bool) -> Shop:
    store.keys = {WORKING}  # the store accepts only the keys it issued (401 otherwise)
    client.post("/auth/woocommerce/callback", json=_callback_body(_start(client))).close()
    drain()
    if uninstalled:
        with app.extensions["setia_db"].session() as session:
            session.execute(update(Shop).values(uninstalled_at=utcnow() - timedelta(days=3)))
    [shop] = _shops(app)
    assert app.extensions["setia_box"].decrypt(shop.consumer_key_enc) == WORKING[0]
    return shop


@pytest.mark.parametrize("uninstalled", [False, True], ids=["connected", "uninstalled"])
def test_callback_with_made_up_keys_for_a_connected_store_changes_nothing(client, app, store, uninstalled):
    """The takeover: anyone starts a connection for a known store's URL and posts made-up keys."""
    before = _connected(client, app, store, uninstalled)
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
    tried = _calls_signed_with(store, made_up["consumer_key"], made_up["consumer_secret"])
    assert tried == [("GET", f"{API}/settings/general/woocommerce_currency")]
    assert len(store.calls) == calls + 1


def test_reconnecting_an_uninstalled_store_takes_the_keys_once_the_store_accepts_them(client, app, store):
    before = _connected(client, app, store, uninstalled=True)
    store.webhooks.clear()  # the merchant deleted the old connection's webhooks on the store meanwhile
    box = app.extensions["setia_box"]
    fresh = ("ck_" + "c" * 40, "cs_" + "d" * 40)
    store.keys = {fresh}  # the merchant approved again: the store issued new keys
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
    signed = _calls_signed_with(store, *fresh)
    assert signed[:2] == [("GET", f"{API}/settings/general/woocommerce_currency"), ("GET", f"{API}/webhooks")]


def test_made_up_keys_posted_meanwhile_do_not_push_out_the_merchants_own(client, app, store):
    """An attacker's callback arriving between the merchant's and its check neither replaces the
    merchant's keys nor gets its own taken: each connection's keys are checked on their own."""
    _connected(client, app, store, uninstalled=False)
    fresh = ("ck_" + "c" * 40, "cs_" + "d" * 40)
    store.keys = {fresh}
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
    store.keys.add(("ck_new", "cs_new"))  # the keys are good, the store is down
    store.down.add("settings/general/woocommerce_currency")
    with caplog.at_level(logging.WARNING, logger="integrator.woocommerce.stores"):
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

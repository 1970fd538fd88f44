"""Rate limits of the widget API and the app proxy (Flask-Limiter): per client address before any
work, per shopper once the signature is good, 429 with Retry-After and nothing changed; counts
shared through Redis; a Redis outage neither breaks nor slows the storefront."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrator.widget_api.limits import Limit
from tests.conftest import REDIS_URL, env_for, requires_redis
from tests.deliveries import fake30
from tests.integration.test_shopify_proxy_routes import proxied
from tests.integration.test_widget_api import JANE_ID, assert_no_member_data, me, signed, widget_secret

# A day-long window, so that the test cannot straddle two windows.
DAY = 86_400


def limits(client_requests: int, shopper_requests: int) -> dict[str, Any]:
    return {"client": Limit("client", client_requests, DAY), "shopper": Limit("shopper", shopper_requests, DAY)}


@pytest.fixture()
def jane(deliver: Any, api: Any) -> dict[str, Any]:
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE_ID)
    assert member is not None and member["points_available"] == 181
    return member


@pytest.fixture()
def secret(app: Flask, shop: dict[str, Any]) -> str:
    return widget_secret(app, shop["id"])


def another_process(
    database_url: str, requests: list[tuple[str, str, dict[str, str] | None, Any]], **config: Any
) -> list[tuple[int, float, Any]]:
    """Send `requests` through another web process's app on the same database (its own Limiter and
    memory; Redis when REDIS_URL is set, unless RATELIMIT_STORAGE_URI says otherwise)."""
    order = {"env": env_for(database_url), "config": config, "requests": requests}
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.widget_process"],
        input=json.dumps(order),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [tuple(result) for result in json.loads(done.stdout)]  # type: ignore[misc]


def test_client_over_its_limit_gets_429_with_retry_after(
    client: FlaskClient, app: Flask, shop: dict[str, Any], secret: str, jane: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(3, 100))
    for _ in range(3):
        assert client.get(f"/widget/v1/{shop['public_id']}/program").status_code == 200
    refused = me(client, shop, signed(JANE_ID, secret))
    assert refused.status_code == 429
    assert refused.json == {
        "error": "too many requests",
        "details": {"retry_after": refused.json["details"]["retry_after"]},
    }
    assert 0 < int(refused.headers["Retry-After"]) <= DAY
    assert int(refused.headers["Retry-After"]) > DAY - 60  # the window began moments ago
    assert_no_member_data(refused)
    # Every route of the widget API shares the client's allowance, unknown shops too.
    assert (
        client.get(f"/widget/v1/{shop['public_id']}/history", query_string=signed(JANE_ID, secret)).status_code == 429
    )
    # Another client address still gets through.
    other = me(client, shop, signed(JANE_ID, secret), environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 200
    assert other.json["balances"]["points_available"] == 181


def test_head_requests_count_like_gets(
    client: FlaskClient, app: Flask, shop: dict[str, Any], secret: str, jane: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(1000, 2))
    statuses = [
        client.head(f"/widget/v1/{shop['public_id']}/me", query_string=signed(JANE_ID, secret)).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_preflights_are_not_counted(
    client: FlaskClient, app: Flask, shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(2, 100))
    headers = {"Origin": "https://setia-test.myshopify.com", "Access-Control-Request-Method": "POST"}
    for _ in range(5):
        assert client.options(f"/widget/v1/{shop['public_id']}/redemptions", headers=headers).status_code == 204
    assert client.get(f"/widget/v1/{shop['public_id']}/program").status_code == 200


def test_shopper_over_their_limit_gets_429_and_nothing_changes(
    client: FlaskClient,
    app: Flask,
    shop: dict[str, Any],
    secret: str,
    jane: Any,
    api: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reward_id = api.post("/rewards", {"name": "Voucher", "points_cost": 100, "kind": "fixed_amount", "value": "5"})
    reward_id = reward_id.json["id"]
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(1000, 2))
    before = api.member(JANE_ID)
    addresses = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    answers = [me(client, shop, signed(JANE_ID, secret), environ_base={"REMOTE_ADDR": ip}) for ip in addresses]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert "Retry-After" in answers[2].headers
    assert_no_member_data(answers[2])
    refused = client.post(
        f"/widget/v1/{shop['public_id']}/redemptions",
        query_string=signed(JANE_ID, secret),
        json={"reward_id": reward_id},
    )
    assert refused.status_code == 429
    assert "code" not in refused.json
    assert api.member(JANE_ID) == before  # nothing spent
    assert api.get(f"/members/{before['id']}/coupons").json["items"] == []
    # Another shopper has their own allowance.
    assert me(client, shop, signed("555", secret)).status_code == 200


def test_bad_signatures_do_not_count_against_the_shopper(
    client: FlaskClient, app: Flask, shop: dict[str, Any], secret: str, jane: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(1000, 2))
    for _ in range(5):
        assert me(client, shop, {**signed(JANE_ID, secret), "sig": "0" * 64}).status_code == 401
        assert client.get(f"/proxy/shopify/me?{proxied(customer=JANE_ID, secret='wrong')}").status_code == 401
    assert me(client, shop, signed(JANE_ID, secret)).status_code == 200


def test_the_app_proxy_spends_the_same_shopper_allowance(
    client: FlaskClient, app: Flask, shop: dict[str, Any], secret: str, jane: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(1000, 3))
    assert me(client, shop, signed(JANE_ID, secret)).status_code == 200
    assert client.get(f"/proxy/shopify/me?{proxied(customer=JANE_ID)}").status_code == 200
    assert client.get(f"/proxy/shopify/history?{proxied(customer=JANE_ID)}").status_code == 200
    refused = client.get(f"/proxy/shopify/me?{proxied(customer=JANE_ID)}")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= DAY
    assert set(refused.json) == {"error", "details"}
    assert "181" not in refused.get_data(as_text=True)
    assert me(client, shop, signed(JANE_ID, secret)).status_code == 429
    # Anonymous proxy requests (the programme) are not a shopper's.
    assert client.get(f"/proxy/shopify/program?{proxied()}").status_code == 200


@requires_redis
def test_with_redis_every_process_shares_the_counts(
    client: FlaskClient,
    app: Flask,
    database_url: str,
    shop: dict[str, Any],
    secret: str,
    jane: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(1000, 2))
    path = f"/widget/v1/{shop['public_id']}/me"
    assert me(client, shop, signed(JANE_ID, secret)).status_code == 200
    results = another_process(
        database_url,
        [("GET", path, signed(JANE_ID, secret), None)] * 2 + [("GET", path, signed("555", secret), None)],
        limits=[1000, 2, DAY],
    )
    assert [status for status, _, _ in results] == [200, 429, 200]
    assert me(client, shop, signed(JANE_ID, secret)).status_code == 429


def test_without_redis_the_counts_are_the_processes_own(
    client: FlaskClient,
    app: Flask,
    database_url: str,
    shop: dict[str, Any],
    secret: str,
    jane: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = f"/widget/v1/{shop['public_id']}/me"
    results = another_process(
        database_url,
        [("GET", path, signed(JANE_ID, secret), None)] * 2,
        limits=[1000, 1, DAY],
        RATELIMIT_STORAGE_URI="memory://",
    )
    assert [status for status, _, _ in results] == [200, 429]
    if not REDIS_URL:  # this process counts in its own memory: its allowance is untouched
        monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(1000, 1))
        assert me(client, shop, signed(JANE_ID, secret)).status_code == 200


@pytest.fixture()
def hung_redis() -> Iterator[str]:
    """A "Redis" that accepts connections and never answers: the worst kind of outage."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


@pytest.mark.parametrize("outage", ["hung", "refused"])
def test_a_redis_outage_neither_breaks_nor_slows_the_widget_api(
    database_url: str, shop: dict[str, Any], secret: str, jane: Any, api: Any, hung_redis: str, outage: str
) -> None:
    storage = hung_redis if outage == "hung" else f"redis://127.0.0.1:{_closed_port()}/0"
    base = f"/widget/v1/{shop['public_id']}"
    reads = [
        ("GET", f"{base}/{path}", signed(JANE_ID, secret), None) for path in ("program", "me", "history", "unboxing")
    ]
    # 40 reads within the shopper's allowance of 40, then two more: falling back to this process's
    # memory still limits, and never refuses more than the shared count would.
    results = another_process(
        database_url, reads * 10 + reads[1:2] * 2, limits=[1000, 40, DAY], RATELIMIT_STORAGE_URI=storage
    )
    assert [status for status, _, _ in results] == [200] * 40 + [429, 429]
    seconds = [elapsed for _, elapsed, _ in results]
    assert max(seconds) < 1.0  # one request may wait for the short socket timeout, once
    assert sum(seconds) < 3.0  # 42 requests: the others do not wait on Redis
    assert results[1][2]["balances"]["points_available"] == 181


def test_the_storefront_can_read_a_shoppers_429(
    client: FlaskClient, app: Flask, shop: dict[str, Any], secret: str, jane: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(1000, 1))
    origin = {"Origin": "https://setia-test.myshopify.com"}
    assert me(client, shop, signed(JANE_ID, secret), headers=origin).status_code == 200
    refused = me(client, shop, signed(JANE_ID, secret), headers=origin)
    assert refused.status_code == 429
    assert refused.headers["Access-Control-Allow-Origin"] == origin["Origin"]  # the widget shows it quietly

"""The widget API (/widget/v1/<public_id>/...) through HTTP, as CONTRACT.md describes it: balances for
a signed shopper, the programme for anyone, CORS for the storefront, rate limits."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrator.loyalty.models import Shop
from tests.conftest import Shops, requires_redis
from tests.deliveries import OTHER_DOMAIN, SHOP_DOMAIN, fake30, money_set, with_changes

JANE_ID = "1073339475"  # the FAKE30 order's customer
JANE_EMAIL = "jane@example.com"
PERSONAL = (JANE_ID, JANE_EMAIL, "Jane", "181", "3.62")


def widget_secret(app: Flask, shop_id: int) -> str:
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        return str(app.extensions["setia_box"].decrypt(shop.widget_secret_enc))


def signed(customer: str, secret: str, ts: int | None = None) -> dict[str, str]:
    """The contract's identity, computed here: hex HMAC-SHA256 over "<customer>:<ts>"."""
    ts = int(time.time()) if ts is None else ts
    sig = hmac.new(secret.encode(), f"{customer}:{ts}".encode(), hashlib.sha256).hexdigest()
    return {"customer": customer, "ts": str(ts), "sig": sig}


def me(client: FlaskClient, shop: dict[str, Any], query: dict[str, str], **kwargs: Any) -> Any:
    return client.get(f"/widget/v1/{shop['public_id']}/me", query_string=query, **kwargs)


def assert_no_member_data(response: Any) -> None:
    body = response.get_data(as_text=True)
    assert "balances" not in response.json
    assert "member" not in response.json
    for value in PERSONAL:
        assert value not in body


@pytest.fixture()
def jane(deliver: Any, api: Any) -> dict[str, Any]:
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE_ID)
    assert member is not None and member["points_available"] == 181
    return member


@pytest.fixture()
def secret(app: Flask, shop: dict[str, Any]) -> str:
    return widget_secret(app, shop["id"])


# --- me ------------------------------------------------------------------------------------------


def test_signed_member_gets_balances(client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any) -> None:
    response = me(client, shop, signed(JANE_ID, secret))
    assert response.status_code == 200
    assert response.json == {
        "member": True,
        "currency": "USD",
        "balances": {
            "points_available": 181,
            "points_pending": 0,
            "lifetime_points": 181,
            "cashback_available": "3.62",
            "cashback_pending": "0.00",
        },
        "display": {"cashback_available": "$3.62", "cashback_pending": "$0.00"},
    }
    assert response.headers["Cache-Control"] == "private, no-store"
    assert JANE_EMAIL not in response.get_data(as_text=True)


def test_signed_shopper_who_is_not_a_member_gets_zero_balances(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    response = me(client, shop, signed("999000111", secret))
    assert response.status_code == 200
    assert response.json["member"] is False
    assert response.json["balances"] == {
        "points_available": 0,
        "points_pending": 0,
        "lifetime_points": 0,
        "cashback_available": "0.00",
        "cashback_pending": "0.00",
    }


def test_rupiah_is_displayed_without_decimals(client: FlaskClient, app: Flask, shops: Shops, deliver: Any) -> None:
    shop = shops.make(currency="IDR", settings={"points_per_unit": "0.001", "cashback_percent": "2"})
    order = with_changes(
        fake30(),
        currency="IDR",
        current_subtotal_price="500000",
        current_subtotal_price_set=money_set("500000", "IDR"),
    )
    assert deliver("orders/paid", order).status_code == 200
    response = me(client, shop, signed(JANE_ID, widget_secret(app, shop["id"])))
    assert response.status_code == 200
    assert response.json["balances"]["points_available"] == 500
    assert response.json["balances"]["cashback_available"] == "10000"
    assert response.json["display"]["cashback_available"] == "Rp 10.000"


@pytest.mark.parametrize(("language", "shown"), [("id", "US$3,62"), ("id-ID", "US$3,62"), ("xx-ZZ", "$3.62")])
def test_amounts_are_displayed_in_the_shops_language(
    client: FlaskClient, app: Flask, shop: dict[str, Any], secret: str, jane: Any, language: str, shown: str
) -> None:
    with app.extensions["setia_db"].session() as session:
        stored = session.get(Shop, shop["id"])
        assert stored is not None
        stored.language = language
    response = me(client, shop, signed(JANE_ID, secret))
    assert response.status_code == 200
    assert response.json["display"]["cashback_available"] == shown


def test_wrong_signature_is_refused(client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any) -> None:
    query = signed(JANE_ID, secret)
    query["sig"] = query["sig"][:-1] + ("0" if query["sig"][-1] != "0" else "1")
    response = me(client, shop, query)
    assert response.status_code == 401
    assert response.json["error"] == "invalid signature"
    assert_no_member_data(response)


def test_signature_for_another_customer_is_refused(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    query = {**signed("42", secret), "customer": JANE_ID}
    response = me(client, shop, query)
    assert response.status_code == 401
    assert_no_member_data(response)


def test_other_shops_secret_is_refused(
    client: FlaskClient, app: Flask, shops: Shops, shop: dict[str, Any], jane: Any
) -> None:
    other = shops.make(domain=OTHER_DOMAIN)
    response = me(client, shop, signed(JANE_ID, widget_secret(app, other["id"])))
    assert response.status_code == 401
    assert_no_member_data(response)


def test_signature_older_than_a_day_is_refused(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    response = me(client, shop, signed(JANE_ID, secret, int(time.time()) - 25 * 3600))
    assert response.status_code == 401
    assert response.json["error"] == "signature expired"
    assert_no_member_data(response)
    # 23 hours is still within the day
    assert me(client, shop, signed(JANE_ID, secret, int(time.time()) - 23 * 3600)).status_code == 200


def test_signature_from_the_far_future_is_refused(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    response = me(client, shop, signed(JANE_ID, secret, int(time.time()) + 3600))
    assert response.status_code == 401
    assert_no_member_data(response)


@pytest.mark.parametrize("missing", ["customer", "ts", "sig", "all"])
def test_missing_identity_is_refused(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any, missing: str
) -> None:
    query = {k: v for k, v in signed(JANE_ID, secret).items() if missing not in (k, "all")}
    response = me(client, shop, query)
    assert response.status_code == 401
    assert response.json["error"] == "missing customer, ts or sig"
    assert_no_member_data(response)


@pytest.mark.parametrize("ts", ["1.7e9", "-100", "soon", "١٧٩٠٠٠٠٠٠٠"])
def test_malformed_timestamp_is_refused(client: FlaskClient, shop: dict[str, Any], secret: str, ts: str) -> None:
    sig = hmac.new(secret.encode(), f"{JANE_ID}:{ts}".encode(), hashlib.sha256).hexdigest()
    response = me(client, shop, {"customer": JANE_ID, "ts": ts, "sig": sig})
    assert response.status_code == 401


def test_unknown_shop_is_404_json(client: FlaskClient, secret: str) -> None:
    for path in ("/widget/v1/nosuchshop/me", "/widget/v1/nosuchshop/program"):
        response = client.get(path, query_string=signed(JANE_ID, secret))
        assert response.status_code == 404
        assert response.json["error"] == "unknown shop"


# --- program -------------------------------------------------------------------------------------


def test_program_is_public_and_holds_no_personal_data(client: FlaskClient, shop: dict[str, Any], jane: Any) -> None:
    response = client.get(f"/widget/v1/{shop['public_id']}/program")
    assert response.status_code == 200
    assert response.json == {
        "currency": "USD",
        "language": "en",
        "earning": {"points_per_unit": "1", "cashback_percent": "2", "pending_days": 0},
        "rewards": [],
    }
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert "Origin" in response.headers["Vary"]
    body = json.dumps(response.json)
    for value in (JANE_ID, JANE_EMAIL, "Jane", "181"):
        assert value not in body


def test_program_follows_the_settings(client: FlaskClient, shop: dict[str, Any], api: Any) -> None:
    assert api.patch("/settings", {"points_per_unit": "2.5", "pending_days": 14}).status_code == 200
    earning = client.get(f"/widget/v1/{shop['public_id']}/program").json["earning"]
    assert earning == {"points_per_unit": "2.5", "cashback_percent": "2", "pending_days": 14}


# --- CORS ----------------------------------------------------------------------------------------

STOREFRONT = f"https://{SHOP_DOMAIN}"


def test_storefront_origin_may_read_without_credentials(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    for response in (
        me(client, shop, signed(JANE_ID, secret), headers={"Origin": STOREFRONT}),
        client.get(f"/widget/v1/{shop['public_id']}/program", headers={"Origin": STOREFRONT}),
    ):
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == STOREFRONT
        assert "Access-Control-Allow-Credentials" not in response.headers


def test_storefront_may_read_a_refusal(client: FlaskClient, shop: dict[str, Any]) -> None:
    response = me(client, shop, {"customer": JANE_ID}, headers={"Origin": STOREFRONT})
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == STOREFRONT


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        f"http://{SHOP_DOMAIN}",  # not https
        f"https://{SHOP_DOMAIN}.evil.example",
        f"https://{OTHER_DOMAIN}",  # another shop's storefront
        "http://127.0.0.1:8080",  # loopback, but ALLOW_PRIVATE_STORE_URLS is off
        "http://localhost:3000",
        "null",
    ],
)
def test_other_origins_get_no_cors_headers(
    client: FlaskClient, shops: Shops, shop: dict[str, Any], secret: str, origin: str
) -> None:
    shops.make(domain=OTHER_DOMAIN)
    response = me(client, shop, signed(JANE_ID, secret), headers={"Origin": origin})
    assert response.status_code == 200  # a server-side caller is not a browser; the browser is what CORS stops
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options(
        f"/widget/v1/{shop['public_id']}/me", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 403
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_preflight_from_the_storefront(client: FlaskClient, shop: dict[str, Any]) -> None:
    response = client.options(
        f"/widget/v1/{shop['public_id']}/me",
        headers={
            "Origin": STOREFRONT,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == STOREFRONT
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.fixture()
def private_urls_allowed(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    config = app.extensions["setia_config"]
    monkeypatch.setitem(app.extensions, "setia_config", dataclasses.replace(config, allow_private_store_urls=True))


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8080", "http://localhost:3000", "http://127.0.0.2:5000", "http://[::1]:8000"]
)
def test_loopback_origins_allowed_with_private_store_urls(
    client: FlaskClient, shop: dict[str, Any], secret: str, private_urls_allowed: None, origin: str
) -> None:
    response = me(client, shop, signed(JANE_ID, secret), headers={"Origin": origin})
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options(
        f"/widget/v1/{shop['public_id']}/program", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == origin


def test_private_store_urls_do_not_open_other_public_origins(
    client: FlaskClient, shop: dict[str, Any], private_urls_allowed: None
) -> None:
    for origin in ("https://evil.example", "http://10.0.0.5:8080", "http://localhost.evil.example"):
        response = client.get(f"/widget/v1/{shop['public_id']}/program", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers


# --- rate limits ---------------------------------------------------------------------------------

# A day-long window, so that the test cannot straddle two windows.
DAY = 86_400


def limits(client_requests: int, shopper_requests: int) -> dict[str, Any]:
    from integrator.widget_api.limits import Limit

    return {"client": Limit("client", client_requests, DAY), "shopper": Limit("shopper", shopper_requests, DAY)}


def test_client_over_its_limit_gets_429_with_retry_after(
    client: FlaskClient, app: Flask, shop: dict[str, Any], secret: str, jane: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(3, 100))
    for _ in range(3):
        assert client.get(f"/widget/v1/{shop['public_id']}/program").status_code == 200
    refused = me(client, shop, signed(JANE_ID, secret))
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= DAY
    assert_no_member_data(refused)
    # Another client address still gets through.
    other = me(client, shop, signed(JANE_ID, secret), environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 200
    assert other.json["balances"]["points_available"] == 181


def test_shopper_over_their_limit_gets_429_and_nothing_changes(
    client: FlaskClient,
    app: Flask,
    shop: dict[str, Any],
    secret: str,
    jane: Any,
    api: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(1000, 2))
    before = api.member(JANE_ID)
    addresses = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    answers = [me(client, shop, signed(JANE_ID, secret), environ_base={"REMOTE_ADDR": ip}) for ip in addresses]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert "Retry-After" in answers[2].headers
    assert_no_member_data(answers[2])
    assert api.member(JANE_ID) == before
    # Another shopper has their own allowance.
    assert me(client, shop, signed("555", secret)).status_code == 200


def test_bad_signatures_do_not_count_against_the_shopper(
    client: FlaskClient, app: Flask, shop: dict[str, Any], secret: str, jane: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WIDGET_RATE_LIMITS", limits(1000, 2))
    for _ in range(5):
        assert me(client, shop, {**signed(JANE_ID, secret), "sig": "0" * 64}).status_code == 401
    assert me(client, shop, signed(JANE_ID, secret)).status_code == 200


@requires_redis
def test_with_redis_every_process_shares_the_counts(app: Flask) -> None:
    from redis import Redis

    from integrator.widget_api.limits import Limit, RateLimiter

    redis = Redis.from_url(str(app.extensions["setia_config"].redis_url))
    limit = Limit("client", 2, DAY)
    first_process, second_process = RateLimiter(), RateLimiter()
    assert first_process.hit(limit, "shop:203.0.113.7", redis) is None
    assert second_process.hit(limit, "shop:203.0.113.7", redis) is None
    assert first_process.hit(limit, "shop:203.0.113.7", redis) is not None
    assert second_process.hit(limit, "shop:203.0.113.8", redis) is None


def test_limits_fail_open_when_redis_is_down() -> None:
    from redis import Redis

    from integrator.widget_api.limits import Limit, RateLimiter

    nowhere = Redis(host="127.0.0.1", port=1, socket_timeout=0.2, socket_connect_timeout=0.2, retry=None)
    limiter, limit = RateLimiter(), Limit("client", 1, DAY)
    started = time.monotonic()
    assert [limiter.hit(limit, "shop:203.0.113.7", nowhere) for _ in range(3)] == [None, None, None]
    assert time.monotonic() - started < 3
    # The same limiter without Redis counts in the process.
    assert [limiter.hit(limit, "shop:203.0.113.7", None) is None for _ in range(2)] == [True, False]

"""GET /checkout/shopify/orders/<id>, the backend of the Checkout UI extension on the thank-you and
order-status pages: authenticated by the extension's session token (HS256 with the app secret,
aud = the API key, dest = the shop, sub = the buyer's customer gid), answered with the widget API's
orders/<id> shape, CORS for https://extensions.shopifycdn.com."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient

from tests.deliveries import APP_SECRET, SHOP_DOMAIN, fake30

API_KEY = "test-api-key"  # SHOPIFY_API_KEY in tests/conftest.py
ORIGIN = "https://extensions.shopifycdn.com"
JANE = "1073339475"  # FAKE30's customer
ORDER = "1073459981"  # FAKE30: 181.09 after discount → 181 points, 3.62 cashback


def token(**claims: Any) -> str:
    """A session token as Shopify signs it for a Checkout UI extension (Session Token API claims)."""
    now = int(time.time())
    body = {
        "dest": SHOP_DOMAIN,
        "aud": API_KEY,
        "exp": now + 300,
        "nbf": now,
        "iat": now,
        "jti": "6c992878-dbaf-48d1-bb9d-6d9b59814fd1",
        "sub": f"gid://shopify/Customer/{JANE}",
    }
    body.update(claims)
    secret = body.pop("secret", APP_SECRET)
    return jwt.encode({key: value for key, value in body.items() if value is not None}, secret, algorithm="HS256")


def ask(client: FlaskClient, order: str = ORDER, bearer: str | None = None, **claims: Any) -> Any:
    headers = {"Origin": ORIGIN, "Authorization": f"Bearer {bearer if bearer is not None else token(**claims)}"}
    return client.get(f"/checkout/shopify/orders/{order}", headers=headers)


@pytest.fixture()
def jane_paid(deliver: Any, shop: dict[str, Any]) -> dict[str, Any]:
    assert deliver("orders/paid", fake30()).status_code == 200
    return shop


def test_the_buyer_sees_what_the_order_earned(client, jane_paid):
    response = ask(client)
    assert response.status_code == 200
    assert response.json == {
        "order_id": ORDER,
        "name": "#1002",
        "status": "paid",
        "points": 181,
        "points_pending": 0,
        "cashback_display": "$3.62",
        "unboxing": None,
    }
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_unboxing_code_is_in_the_answer(client, shops, deliver):
    shops.make(settings={"points_per_unit": "1", "unboxing": {"enabled": True, "discount_percent": "10"}})
    assert deliver("orders/paid", fake30()).status_code == 200
    unboxing = ask(client).json["unboxing"]
    assert unboxing["code"].startswith("SETIA-") and unboxing["status"] in ("pending", "active")
    assert unboxing["value_type"] == "percentage" and unboxing["order_name"] == "#1002"


def test_preflight_allows_the_extension_origin_and_the_authorization_header(client, jane_paid):
    response = client.options(
        f"/checkout/shopify/orders/{ORDER}",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


def test_another_origin_gets_no_cors_grant(client, jane_paid):
    response = client.get(
        f"/checkout/shopify/orders/{ORDER}",
        headers={"Origin": "https://evil.example", "Authorization": f"Bearer {token()}"},
    )
    assert "Access-Control-Allow-Origin" not in response.headers


# Times relative to when the test runs (a value computed at collection would age while the suite runs).
BAD_CLAIMS = {
    "signature": lambda now: {"secret": "not-the-app-secret"},
    "aud": lambda now: {"aud": "another-app"},
    "expired": lambda now: {"exp": now - 60},  # older than the 10 s leeway
    "not-yet": lambda now: {"nbf": now + 60},
    "dest-not-a-shop": lambda now: {"dest": "evil.example.com"},
    "no-dest": lambda now: {"dest": None},
    "sub-not-a-customer": lambda now: {"sub": "gid://shopify/StaffMember/1"},
}


@pytest.mark.parametrize("bad", list(BAD_CLAIMS))
def test_a_bad_token_is_401_with_no_order_data(client, jane_paid, bad):
    response = ask(client, **BAD_CLAIMS[bad](int(time.time())))
    assert response.status_code == 401
    assert set(response.json) == {"error", "details"} and "points" not in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN  # the extension can read the refusal


def test_no_token_and_an_algorithm_none_token_are_401(client, jane_paid):
    assert ask(client, bearer="").status_code == 401
    unsigned = jwt.encode(
        {"dest": SHOP_DOMAIN, "aud": API_KEY, "exp": time.time() + 60, "nbf": 0}, None, algorithm="none"
    )
    assert ask(client, bearer=unsigned).status_code == 401


def test_another_customers_order_is_404_like_an_unknown_one(client, jane_paid):
    other = ask(client, sub="gid://shopify/Customer/999")
    unknown = ask(client, order="555")
    assert other.status_code == unknown.status_code == 404
    assert other.json == unknown.json == {"error": "unknown order", "details": None}


def test_a_buyer_who_is_not_logged_in_is_403(client, jane_paid):
    response = ask(client, sub=None)
    assert response.status_code == 403 and response.json["error"] == "no logged-in customer"


def test_a_token_for_a_shop_that_is_not_connected_is_401(client, jane_paid):
    assert ask(client, dest="someone-else.myshopify.com").status_code == 401


def test_an_order_not_processed_yet_is_404_then_answers(client, shop, deliver):
    assert ask(client).status_code == 404  # the thank-you page can come before the webhook
    assert deliver("orders/paid", fake30()).status_code == 200
    assert ask(client).json["points"] == 181

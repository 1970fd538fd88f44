"""GET /widget/v1/<public_id>/estimate?subtotal=: what a cart earns, for the storefront cart element,
the WooCommerce blocks and the checkout extension. The oracle is the award itself: the same amount
delivered as a paid order earns exactly the promised points and cashback."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrator.widget_api.limits import Limit
from tests.conftest import Api
from tests.deliveries import fake30, money_set, with_changes
from tests.integration.test_shopify_proxy_routes import proxied
from tests.integration.test_widget_api import JANE_ID, STOREFRONT, signed, widget_secret

pytestmark = pytest.mark.usefixtures("ledger_checked")


def estimate(client: FlaskClient, shop: dict[str, Any], subtotal: str, **query: str) -> Any:
    return client.get(f"/widget/v1/{shop['public_id']}/estimate", query_string={"subtotal": subtotal, **query})


# Amounts where a float formula would be off by one, a rate with many decimals, an IDR shop.
CASES = [
    ("USD", {"points_per_unit": "100", "cashback_percent": "2.5"}, "1.15"),
    ("USD", {"points_per_unit": "0.7", "cashback_percent": "3"}, "181.09"),
    ("USD", {"points_per_unit": "1", "cashback_percent": "0"}, "0.99"),
    ("IDR", {"points_per_unit": "0.001", "cashback_percent": "1.5"}, "181000"),
    ("IDR", {"points_per_unit": "0.001", "cashback_percent": "1.5"}, "999"),
]


@pytest.mark.parametrize(("currency", "settings", "subtotal"), CASES)
def test_the_estimate_is_what_the_paid_order_then_earns(client, shops, deliver, currency, settings, subtotal):
    shop = shops.make(currency=currency, settings=settings)
    promised = estimate(client, shop, subtotal)
    assert promised.status_code == 200
    assert promised.json["currency"] == currency
    order = with_changes(
        fake30(),
        currency=currency,
        current_subtotal_price=subtotal,
        current_subtotal_price_set=money_set(subtotal, currency),
    )
    assert deliver("orders/paid", order).status_code == 200
    member = Api(client, shop["api_key"]).member(JANE_ID)
    assert member is not None
    assert promised.json["points"] == member["points_available"]
    assert promised.json["cashback"] == member["cashback_available"]


@pytest.fixture()
def awkward_shop(shops: Any) -> dict[str, Any]:
    return shops.make(settings={"points_per_unit": "0.37", "cashback_percent": "1.7"})


ORDER_IDS = itertools.count(5_000_000_001)  # a new order for every example


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cents=st.integers(min_value=0, max_value=10**9))
def test_any_subtotal_is_promised_what_its_order_earns(client, awkward_shop, deliver, cents):
    """Each example is a new paid order of Jane's at a shop with awkward rates: the points and cashback
    it adds to her balances are the ones promised for its subtotal."""
    member = Api(client, awkward_shop["api_key"]).member
    subtotal = f"{cents // 100}.{cents % 100:02d}"
    before = member(JANE_ID) or {"points_available": 0, "cashback_available": "0.00"}
    promised = estimate(client, awkward_shop, subtotal).json
    paid = with_changes(
        fake30(), id=next(ORDER_IDS), current_subtotal_price=subtotal, current_subtotal_price_set=money_set(subtotal)
    )
    assert deliver("orders/paid", paid).status_code == 200
    after = member(JANE_ID)
    assert after is not None
    assert after["points_available"] - before["points_available"] == promised["points"]
    gained = Decimal(after["cashback_available"]) - Decimal(before["cashback_available"])
    assert gained == Decimal(promised["cashback"])


def test_a_signed_shopper_and_a_guest_get_the_same_figure_a_bad_signature_401(app, client, shop):
    secret = widget_secret(app, shop["id"])
    guest = estimate(client, shop, "181.09")
    assert guest.json == {"points": 181, "cashback": "3.62", "currency": "USD", "display": {"cashback": "$3.62"}}
    assert guest.headers["Cache-Control"] == "public, max-age=60"
    mine = estimate(client, shop, "181.09", **signed(JANE_ID, secret))
    assert mine.json == guest.json and mine.headers["Cache-Control"] == "private, no-store"
    forged = estimate(client, shop, "181.09", **signed(JANE_ID, "not-the-secret"))
    assert forged.status_code == 401


@pytest.mark.parametrize(
    "bad", ["", "abc", "-0.01", "1e400", "1.23456", "NaN", "Infinity", "1_000", "٣", "9" * 41, "1000000000001"]
)
def test_a_bad_subtotal_is_422_json(client, shop, bad):
    response = estimate(client, shop, bad)
    assert response.status_code == 422
    assert response.json["error"] == "invalid input" and list(response.json["details"]) == ["subtotal"]


def test_a_missing_subtotal_is_422_an_unknown_shop_404(client, shop):
    assert client.get(f"/widget/v1/{shop['public_id']}/estimate").status_code == 422
    assert client.get("/widget/v1/no-such-shop/estimate?subtotal=1").status_code == 404


def test_the_storefront_may_read_it_cross_origin(client, shop):
    response = client.get(f"/widget/v1/{shop['public_id']}/estimate?subtotal=10", headers={"Origin": STOREFRONT})
    assert response.headers["Access-Control-Allow-Origin"] == STOREFRONT


def test_through_the_app_proxy_for_a_guest_and_a_logged_in_customer(client, shop):
    # Shopify signs the shopper's own query parameters along with its own.
    guest = client.get(f"/proxy/shopify/estimate?{proxied(extra=[('subtotal', '181.09')])}")
    assert guest.status_code == 200 and guest.json["points"] == 181
    mine = client.get(f"/proxy/shopify/estimate?{proxied(customer=JANE_ID, extra=[('subtotal', '181.09')])}")
    assert mine.status_code == 200 and mine.json == guest.json
    assert client.get(f"/proxy/shopify/estimate?{proxied(extra=[('subtotal', '-1')])}").status_code == 422
    assert client.get("/proxy/shopify/estimate?subtotal=1&shop=x&signature=0").status_code == 401


def test_the_estimate_counts_against_the_clients_allowance(app: Flask, client, shop, monkeypatch):
    day = 86_400
    monkeypatch.setitem(
        app.config, "WIDGET_RATE_LIMITS", {"client": Limit("client", 3, day), "shopper": Limit("shopper", 100, day)}
    )
    assert [estimate(client, shop, str(n)).status_code for n in range(4)] == [200, 200, 200, 429]
    refused = estimate(client, shop, "5")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_the_estimate_applies_the_members_tier_and_the_running_campaign_as_the_award_does(
    app, client, shop, api, deliver
):
    # Silver (1.5x) from a spend of 100: the fake30 order (181.09) puts Jane in it.
    assert api.post("/tiers", {"name": "Silver", "threshold": "100", "multiplier": "1.5"}).status_code == 201
    assert deliver("orders/paid", fake30()).status_code == 200
    jane = signed(JANE_ID, widget_secret(app, shop["id"]))
    assert estimate(client, shop, "100.00", **jane).json["points"] == 150  # floor(100 × 1 × 1.5)
    assert estimate(client, shop, "100.00").json["points"] == 100  # a guest has no tier
    # A running 2x campaign with 5 bonus points: the highest campaign multiplier times the tier's.
    now = datetime.now(UTC)
    window = {"starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()}
    body = {"name": "Double", "multiplier": "2", "bonus_points": 5, **window}
    assert api.post("/campaigns", body).status_code == 201
    promised = estimate(client, shop, "100.00", **jane).json["points"]
    assert promised == 305  # floor(100 × 1.5 × 2) + 5
    # The oracle is the award: the same basis delivered as Jane's next paid order earns that much.
    before = api.member(JANE_ID)["points_available"]
    order = with_changes(  # paid now (Shopify's processed_at is the paid time): inside the campaign
        fake30(),
        id=820000001,
        processed_at=now.isoformat(),
        current_subtotal_price="100.00",
        current_subtotal_price_set=money_set("100.00", "USD"),
    )
    assert deliver("orders/paid", order).status_code == 200
    assert api.member(JANE_ID)["points_available"] - before == promised

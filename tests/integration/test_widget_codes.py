"""My codes: GET /widget/v1/<public_id>/codes lists the signed shopper's codes they can still use
(bought with points or cashback, the unboxing coupon), newest first, with what the widget shows:
status, value, minimum order and expiry; not a refused or expired code, nor anyone else's."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from integrator.loyalty.models import Coupon
from integrator.widget_api.limits import Limit
from tests.conftest import Shops, drain
from tests.deliveries import OTHER_DOMAIN, fake30, with_changes
from tests.integration.test_shopify_proxy_routes import proxied
from tests.integration.test_widget_api import JANE_ID, widget_secret
from tests.integration.test_widget_shopper_answers import CREATED, UNBOXING, ask, signed

pytestmark = pytest.mark.usefixtures("ledger_checked")

VOUCHER = {"name": "Voucher", "points_cost": 100, "kind": "fixed_amount", "value": "5.00", "min_order": "20.00"}
FIELDS = {"code", "status", "kind", "source", "value_type", "value", "min_order", "expires_at", "reward_id"}


def redeem(client: FlaskClient, shop: dict[str, Any], secret: str, reward_id: int) -> dict[str, Any]:
    url = f"/widget/v1/{shop['public_id']}/redemptions"
    response = client.post(url, query_string=signed(JANE_ID, secret), json={"reward_id": reward_id})
    assert response.status_code == 201
    body: dict[str, Any] = response.json
    return body


def test_a_redeemed_code_is_listed_with_its_minimum_and_expiry(
    client: FlaskClient, app: Flask, shops: Shops, deliver: Any, api: Any, shopify: Any
) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    shop = shops.make(settings={"points_per_unit": "1", "cashback_percent": "2", "unboxing": UNBOXING})
    secret = widget_secret(app, shop["id"])
    assert ask(client, shop, "codes", signed(JANE_ID, secret)).json == {"items": []}
    assert deliver("orders/paid", fake30()).status_code == 200  # 181 points and an unboxing code
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    time.sleep(0.01)  # the redeemed code is recorded after the unboxing one
    issued = redeem(client, shop, secret, reward_id)
    assert issued["min_order"] == "20.00"  # the redemption's answer shows the minimum too
    drain()
    response = ask(client, shop, "codes", signed(JANE_ID, secret))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    newest, unboxing = response.json["items"]
    assert set(newest) == FIELDS and set(unboxing) == FIELDS
    assert newest["code"] == issued["code"]
    assert (newest["status"], newest["kind"], newest["source"], newest["reward_id"]) == (
        "active",
        "reward",
        "reward",
        reward_id,
    )
    assert (newest["value_type"], newest["value"], newest["min_order"]) == ("fixed_amount", "5.00", "20.00")
    in_90_days = (datetime.now(UTC) + timedelta(days=90)).date().isoformat()
    assert newest["expires_at"][:10] == in_90_days
    assert (unboxing["source"], unboxing["value_type"], unboxing["value"]) == ("unboxing", "percentage", "10")
    assert unboxing["min_order"] is None


def test_refused_and_expired_codes_are_not_listed(
    client: FlaskClient, app: Flask, shops: Shops, deliver: Any, api: Any, shopify: Any
) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    shop = shops.make(settings={"points_per_unit": "1", "cashback_percent": "2"})
    secret = widget_secret(app, shop["id"])
    assert deliver("orders/paid", fake30()).status_code == 200
    reward_id = api.post("/rewards", {**VOUCHER, "points_cost": 50}).json["id"]
    codes = [redeem(client, shop, secret, reward_id)["code"] for _ in range(3)]
    drain()
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Coupon).where(Coupon.code == codes[0]).values(status="failed"))
        yesterday = datetime.now(UTC) - timedelta(days=1)
        session.execute(update(Coupon).where(Coupon.code == codes[1]).values(expires_at=yesterday))
        session.commit()
    listed = ask(client, shop, "codes", signed(JANE_ID, secret)).json["items"]
    assert [item["code"] for item in listed] == [codes[2]]


def test_a_code_an_order_of_the_shopper_used_is_not_listed(
    client: FlaskClient, app: Flask, shops: Shops, deliver: Any, api: Any, shopify: Any
) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    shop = shops.make(settings={"points_per_unit": "1", "cashback_percent": "2"})
    secret = widget_secret(app, shop["id"])
    assert deliver("orders/paid", fake30()).status_code == 200
    reward_id = api.post("/rewards", {**VOUCHER, "points_cost": 50}).json["id"]
    codes = [redeem(client, shop, secret, reward_id)["code"] for _ in range(2)]
    drain()
    # Jane's next order used the first code (Shopify's discount_codes, written in lower case here).
    used = with_changes(fake30(), id=1073459999, name="#1099", discount_codes=[{"code": codes[0].lower()}])
    assert deliver("orders/paid", used).status_code == 200
    listed = ask(client, shop, "codes", signed(JANE_ID, secret)).json["items"]
    assert [item["code"] for item in listed] == [codes[1]]
    # Another shopper's order with the second code does not make it Jane's used code.
    someone = with_changes(fake30(), id=1073459998, name="#1098", discount_codes=[{"code": codes[1]}])
    someone["customer"] = {**someone["customer"], "id": 555000111, "email": "someone@example.com"}
    assert deliver("orders/paid", someone).status_code == 200
    assert [item["code"] for item in ask(client, shop, "codes", signed(JANE_ID, secret)).json["items"]] == [codes[1]]


def test_no_one_elses_codes(
    client: FlaskClient, app: Flask, shops: Shops, deliver: Any, api: Any, shopify: Any
) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    shop = shops.make(settings={"points_per_unit": "1", "cashback_percent": "2"})
    secret = widget_secret(app, shop["id"])
    assert deliver("orders/paid", fake30()).status_code == 200
    code = redeem(client, shop, secret, api.post("/rewards", VOUCHER).json["id"])["code"]
    assert ask(client, shop, "codes", signed("555000111", secret)).json == {"items": []}
    other = shops.make(domain=OTHER_DOMAIN)
    elsewhere = ask(client, other, "codes", signed(JANE_ID, widget_secret(app, other["id"])))
    assert elsewhere.status_code == 200 and elsewhere.json == {"items": []}
    assert code not in elsewhere.get_data(as_text=True)


def test_codes_through_the_shopify_app_proxy(
    client: FlaskClient, app: Flask, shop: dict[str, Any], deliver: Any, api: Any, shopify: Any
) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    assert deliver("orders/paid", fake30()).status_code == 200
    code = redeem(client, shop, widget_secret(app, shop["id"]), api.post("/rewards", VOUCHER).json["id"])["code"]
    response = client.get(f"/proxy/shopify/codes?{proxied(JANE_ID)}")
    assert response.status_code == 200
    assert [item["code"] for item in response.json["items"]] == [code]
    assert client.get(f"/proxy/shopify/codes?{proxied('')}").status_code == 401


def test_codes_count_against_the_shoppers_rate_limit(
    client: FlaskClient, app: Flask, shop: dict[str, Any], deliver: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        app.config, "WIDGET_RATE_LIMITS", {"client": Limit("client", 300, 60), "shopper": Limit("shopper", 1, 60)}
    )
    secret = widget_secret(app, shop["id"])
    assert ask(client, shop, "codes", signed(JANE_ID, secret)).status_code == 200
    refused = ask(client, shop, "codes", signed(JANE_ID, secret))
    assert refused.status_code == 429 and refused.json["error"] == "too many requests"
    assert "items" not in refused.json

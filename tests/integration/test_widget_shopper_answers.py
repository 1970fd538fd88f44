"""The signed shopper's own answers of the widget API: history (paged, newest first, formatted),
the unboxing coupon of the latest order, and the thank-you element's order; nothing of other
shoppers or shops, and no member data without a good signature."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Shops
from tests.deliveries import OTHER_DOMAIN, fake30, money_set, with_changes
from tests.integration.test_widget_api import JANE_EMAIL, JANE_ID, STOREFRONT, signed, widget_secret

pytestmark = pytest.mark.usefixtures("ledger_checked")

ORDER_ID = "1073459981"  # the FAKE30 order, "#1002": 181 points and 3.62 cashback at the shop's rate
UNBOXING = {"enabled": True, "discount_percent": "10", "expires_days": 30}
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/9"}, "userErrors": []}
}


def ask(client: FlaskClient, shop: dict[str, Any], route: str, query: dict[str, str], **kwargs: Any) -> Any:
    return client.get(f"/widget/v1/{shop['public_id']}/{route}", query_string=query, **kwargs)


def another_order(order_id: str, name: str, customer: str, subtotal: str = "50.00") -> dict[str, Any]:
    order = with_changes(fake30(), id=int(order_id), name=name, current_subtotal_price_set=money_set(subtotal))
    order["customer"] = {**order["customer"], "id": int(customer), "email": f"{customer}@example.com"}
    return order


@pytest.fixture()
def secret(app: Flask, shop: dict[str, Any]) -> str:
    return widget_secret(app, shop["id"])


@pytest.fixture()
def jane(deliver: Any, api: Any) -> dict[str, Any]:
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE_ID)
    assert member is not None and member["points_available"] == 181
    return member


# --- history -------------------------------------------------------------------------------------


def test_history_lists_the_shoppers_entries_newest_first(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: dict[str, Any], api: Any
) -> None:
    adjustment = {"points": 25, "reason": "Birthday gift", "idempotency_key": "gift-1"}
    assert api.post(f"/members/{jane['id']}/adjustments", adjustment).status_code in (200, 201)
    response = ask(client, shop, "history", signed(JANE_ID, secret))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.json
    assert (body["page"], body["page_size"], body["has_more"]) == (1, 20, False)
    items = body["items"]
    assert [set(item) for item in items] == [
        {"id", "account", "state", "kind", "available_at", "amount", "display", "description", "created_at"}
    ] * 3
    gift = items[0]
    assert (gift["account"], gift["state"], gift["kind"], gift["amount"]) == ("points", "available", "adjust", 25)
    assert (gift["display"], gift["description"]) == ("+25", "Birthday gift")
    earned = {(i["account"], i["kind"], i["amount"], i["display"], i["description"]) for i in items[1:]}
    assert earned == {("points", "earn", 181, "+181", "#1002"), ("cashback", "earn", 362, "+$3.62", "#1002")}
    assert items[0]["created_at"] >= items[1]["created_at"] >= items[2]["created_at"]
    assert items[0]["created_at"].endswith("+00:00")
    assert JANE_EMAIL not in response.get_data(as_text=True)


def test_history_shows_spending_with_a_minus_sign(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: dict[str, Any], api: Any
) -> None:
    take = {"points": -81, "reason": "Correction", "idempotency_key": "fix-1"}
    assert api.post(f"/members/{jane['id']}/adjustments", take).status_code in (200, 201)
    newest = ask(client, shop, "history", signed(JANE_ID, secret)).json["items"][0]
    assert (newest["amount"], newest["display"], newest["description"]) == (-81, "-81", "Correction")


def test_history_is_paged(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: dict[str, Any], api: Any
) -> None:
    for n in range(3):
        body = {"points": n + 1, "reason": f"gift {n}", "idempotency_key": f"gift-{n}"}
        assert api.post(f"/members/{jane['id']}/adjustments", body).status_code in (200, 201)
    first = ask(client, shop, "history", {**signed(JANE_ID, secret), "page_size": "2"}).json
    assert [item["description"] for item in first["items"]] == ["gift 2", "gift 1"]
    assert (first["page"], first["page_size"], first["has_more"]) == (1, 2, True)
    second = ask(client, shop, "history", {**signed(JANE_ID, secret), "page_size": "2", "page": "2"}).json
    assert [item["description"] for item in second["items"]][:1] == ["gift 0"]
    assert second["has_more"] is True
    last = ask(client, shop, "history", {**signed(JANE_ID, secret), "page_size": "2", "page": "3"}).json
    assert len(last["items"]) == 1 and last["has_more"] is False
    ids = [item["id"] for page in (first, second, last) for item in page["items"]]
    assert len(set(ids)) == 5  # no entry twice, none left out
    assert ask(client, shop, "history", {**signed(JANE_ID, secret), "page": "9"}).json["items"] == []


@pytest.mark.parametrize(("name", "value"), [("page_size", "51"), ("page_size", "0"), ("page", "0"), ("page", "x")])
def test_history_refuses_a_bad_page(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any, name: str, value: str
) -> None:
    response = ask(client, shop, "history", {**signed(JANE_ID, secret), name: value})
    assert response.status_code == 422
    assert name in response.json["details"]


def test_history_in_rupiah(client: FlaskClient, app: Flask, shops: Shops, deliver: Any) -> None:
    shop = shops.make(currency="IDR", settings={"points_per_unit": "0.001", "cashback_percent": "2"})
    order = with_changes(fake30(), currency="IDR", current_subtotal_price_set=money_set("181000", "IDR"))
    assert deliver("orders/paid", order).status_code == 200
    items = ask(client, shop, "history", signed(JANE_ID, widget_secret(app, shop["id"]))).json["items"]
    assert {item["display"] for item in items} == {"+181", "+Rp 3,620"}


def test_history_holds_no_one_elses_entries(
    client: FlaskClient, app: Flask, shops: Shops, shop: dict[str, Any], secret: str, jane: Any, deliver: Any
) -> None:
    assert deliver("orders/paid", another_order("2000000001", "#2001", "777000111")).status_code == 200
    other_shop = shops.make(domain=OTHER_DOMAIN, settings={"points_per_unit": "1"})
    assert deliver("orders/paid", another_order("3000000001", "#3001", JANE_ID), domain=OTHER_DOMAIN).status_code == 200
    janes = ask(client, shop, "history", signed(JANE_ID, secret)).json["items"]
    assert {item["description"] for item in janes} == {"#1002"}
    neighbour = ask(client, shop, "history", signed("777000111", secret)).json["items"]
    assert {item["description"] for item in neighbour} == {"#2001"}
    elsewhere = ask(client, other_shop, "history", signed(JANE_ID, widget_secret(app, other_shop["id"]))).json["items"]
    assert [(item["account"], item["amount"]) for item in elsewhere if item["account"] == "points"] == [("points", 50)]
    assert all(item["description"] == "#3001" for item in elsewhere)


def test_history_of_someone_who_is_not_a_member_is_empty(
    client: FlaskClient, shop: dict[str, Any], secret: str
) -> None:
    body = ask(client, shop, "history", signed("999000111", secret)).json
    assert body == {"items": [], "page": 1, "page_size": 20, "has_more": False}


# --- unboxing ------------------------------------------------------------------------------------


@pytest.fixture()
def unboxing_shop(shops: Shops) -> dict[str, Any]:
    return shops.make(settings={"points_per_unit": "1", "cashback_percent": "2", "unboxing": UNBOXING})


def coupons_of(client: FlaskClient, shop: dict[str, Any], customer: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {shop['api_key']}"}
    members = client.get("/api/v1/members", headers=headers).json["items"]
    member = next(m for m in members if m["platform_customer_id"] == customer)
    items: list[dict[str, Any]] = client.get(f"/api/v1/members/{member['id']}/coupons", headers=headers).json["items"]
    return items


def test_unboxing_is_the_coupon_of_the_latest_order(
    client: FlaskClient, app: Flask, unboxing_shop: dict[str, Any], deliver: Any, shopify: Any
) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    secret = widget_secret(app, unboxing_shop["id"])
    assert ask(client, unboxing_shop, "unboxing", signed(JANE_ID, secret)).json == {"coupon": None}
    assert deliver("orders/paid", fake30()).status_code == 200
    first = ask(client, unboxing_shop, "unboxing", signed(JANE_ID, secret)).json["coupon"]
    [stored] = coupons_of(client, unboxing_shop, JANE_ID)
    assert first == {
        "code": stored["code"],
        "status": "active",
        "value_type": "percentage",
        "value": "10",
        "expires_at": first["expires_at"],
        "order_name": "#1002",
    }
    assert first["expires_at"] and first["expires_at"][:10] == stored["expires_at"][:10]
    time.sleep(0.01)  # the second order's coupon is recorded later
    assert deliver("orders/paid", another_order("4000000001", "#1003", JANE_ID)).status_code == 200
    latest = ask(client, unboxing_shop, "unboxing", signed(JANE_ID, secret)).json["coupon"]
    assert latest["order_name"] == "#1003" and latest["code"] != first["code"]
    # Another shopper of the shop sees no one else's code.
    assert ask(client, unboxing_shop, "unboxing", signed("555", secret)).json == {"coupon": None}


# --- orders/<id> (thank-you element) -------------------------------------------------------------


def test_order_shows_what_it_earned(client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any) -> None:
    response = ask(client, shop, f"orders/{ORDER_ID}", signed(JANE_ID, secret))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.json == {
        "order_id": ORDER_ID,
        "name": "#1002",
        "status": "paid",
        "points": 181,
        "points_pending": 0,
        "cashback_display": "$3.62",
        "unboxing": None,
    }


def test_order_with_pending_points_and_its_unboxing_code(
    client: FlaskClient, app: Flask, shops: Shops, deliver: Any, shopify: Any
) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    settings = {"points_per_unit": "1", "cashback_percent": "2", "pending_days": 14, "unboxing": UNBOXING}
    shop = shops.make(settings=settings)
    paid_now = datetime.now(UTC).isoformat(timespec="seconds")  # pending for 14 days from now
    assert deliver("orders/paid", with_changes(fake30(), processed_at=paid_now, updated_at=paid_now)).status_code == 200
    body = ask(client, shop, f"orders/{ORDER_ID}", signed(JANE_ID, widget_secret(app, shop["id"]))).json
    assert (body["points"], body["points_pending"], body["cashback_display"]) == (181, 181, "$3.62")
    [stored] = coupons_of(client, shop, JANE_ID)
    assert body["unboxing"]["code"] == stored["code"]
    assert body["unboxing"]["order_name"] == "#1002"


def test_order_of_another_shopper_or_unseen_is_unknown(
    client: FlaskClient, app: Flask, shops: Shops, shop: dict[str, Any], secret: str, jane: Any, deliver: Any
) -> None:
    for customer, order_id in ((JANE_ID, "555555"), ("777000111", ORDER_ID), ("999000111", ORDER_ID)):
        response = ask(client, shop, f"orders/{order_id}", signed(customer, secret))
        assert response.status_code == 404
        assert response.json == {"error": "unknown order", "details": None}
        assert "181" not in response.get_data(as_text=True)
    other = shops.make(domain=OTHER_DOMAIN)
    elsewhere = ask(client, other, f"orders/{ORDER_ID}", signed(JANE_ID, widget_secret(app, other["id"])))
    assert elsewhere.status_code == 404


# --- refusals and CORS for every signed route ----------------------------------------------------

ROUTES = ["me", "history", "unboxing", "codes", f"orders/{ORDER_ID}"]


def refusal_for(kind: str, secret: str, other_secret: str) -> dict[str, str]:
    good = signed(JANE_ID, secret)
    return {
        "bad": {**good, "sig": "0" * 64},
        "stale": signed(JANE_ID, secret, int(time.time()) - 25 * 3600),
        "other-shop": signed(JANE_ID, other_secret),
        "missing": {"customer": JANE_ID},
    }[kind]


@pytest.mark.parametrize("route", [*ROUTES, "redemptions"])
@pytest.mark.parametrize("kind", ["bad", "stale", "other-shop", "missing"])
def test_every_signed_route_refuses_a_bad_signature_with_no_member_data(
    client: FlaskClient, app: Flask, shops: Shops, shop: dict[str, Any], secret: str, jane: Any, route: str, kind: str
) -> None:
    other = shops.make(domain=OTHER_DOMAIN)
    query = refusal_for(kind, secret, widget_secret(app, other["id"]))
    if route == "redemptions":
        response = client.post(f"/widget/v1/{shop['public_id']}/redemptions", query_string=query, json={"reward_id": 1})
    else:
        response = ask(client, shop, route, query)
    assert response.status_code == 401
    assert set(response.json) == {"error", "details"}
    text = response.get_data(as_text=True)
    for value in ("181", "3.62", "#1002", JANE_EMAIL, "balances", "items", "coupon"):
        assert value not in text


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_answers_the_storefront_and_no_other_origin(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any, route: str
) -> None:
    mine = ask(client, shop, route, signed(JANE_ID, secret), headers={"Origin": STOREFRONT})
    assert mine.status_code == 200
    assert mine.headers["Access-Control-Allow-Origin"] == STOREFRONT
    assert "Access-Control-Allow-Credentials" not in mine.headers
    theirs = ask(client, shop, route, signed(JANE_ID, secret), headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in theirs.headers

"""Cashback spent by the shopper: POST /widget/v1/<public_id>/cashback-redemptions takes an amount
of the available cashback (once, never below zero) and makes a single-use fixed-amount code limited
to the shopper on the store; a code the store refuses gives the cashback back."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from integrator.loyalty.models import Coupon
from tests.conftest import Api, drain, requires_postgres
from tests.deliveries import fake30
from tests.fake_woocommerce import fake_woocommerce
from tests.integration.test_rewards_and_redemptions import JANE, signed
from tests.woocommerce_deliveries import connected_store, deliver_to, fixture

pytestmark = pytest.mark.usefixtures("ledger_checked")

CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/9"}, "userErrors": []}
}
STOREFRONT = "https://setia-test.myshopify.com"


def spend(client: Any, app: Flask, shop: dict[str, Any], amount: Any, identity: dict[str, str] | None = None) -> Any:
    return client.post(
        f"/widget/v1/{shop['public_id']}/cashback-redemptions",
        query_string=identity or signed(app, shop),
        json={"amount": amount},
    )


def coupon_count(app: Flask) -> int:
    with app.extensions["setia_db"].session() as session:
        return session.execute(select(func.count(Coupon.id))).scalar_one()


def cashback_entries(api: Api, member_id: int) -> list[tuple[str, str]]:
    entries = api.get(f"/members/{member_id}/ledger").json["items"]
    return [(entry["kind"], entry["cashback"]) for entry in entries if entry["account"] == "cashback"]


@pytest.fixture()
def jane_with_cashback(deliver: Any, api: Api) -> dict[str, Any]:
    """Jane's FAKE30 order: 2 % of 181.09 = 3.62 of cashback available at once."""
    deliver("orders/paid", fake30())
    member = api.member(JANE)
    assert member["cashback_available"] == "3.62"
    return member


def test_a_shopper_spends_cashback_on_a_shopify_code(app, client, api, shop, shopify, jane_with_cashback):
    shopify.answer("SetiaDiscountCreate", CREATED)
    before = datetime.now(UTC)
    response = spend(client, app, shop, "3.00")
    assert response.status_code == 201
    answer = response.json
    assert answer["code"].startswith("SETIA-") and answer["status"] in ("active", "pending")
    assert (answer["kind"], answer["value_type"], answer["value"]) == ("cashback", "fixed_amount", "3.00")
    assert answer["balances"]["cashback_available"] == "0.62"
    drain()
    [call] = shopify.calls_of("SetiaDiscountCreate")
    sent = call.variables["basicCodeDiscount"]
    assert sent["code"] == answer["code"]
    assert sent["customerGets"] == {
        "value": {"discountAmount": {"amount": "3.00", "appliesOnEachItem": False}},
        "items": {"all": True},
    }
    assert sent["context"] == {"customers": {"add": [f"gid://shopify/Customer/{JANE}"]}}
    assert (sent["usageLimit"], sent["appliesOncePerCustomer"]) == (1, True)
    assert sent["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "3.00"}}
    ends = datetime.fromisoformat(sent["endsAt"].replace("Z", "+00:00"))
    assert timedelta(days=90) - timedelta(minutes=1) <= ends - before <= timedelta(days=90, minutes=1)
    member = api.member(JANE)
    assert member["cashback_available"] == "0.62"
    [listed] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (listed["code"], listed["kind"], listed["status"]) == (answer["code"], "cashback", "active")
    assert cashback_entries(api, member["id"])[0] == ("redeem", "-3.00")


@pytest.mark.usefixtures("on_several_dates")  # the coupon's expiry 90 days on
def test_a_woocommerce_shopper_spends_cashback_on_a_fixed_cart_coupon(app, client):
    store = connected_store(app, {"points_per_unit": "1", "cashback_percent": "2"})
    order = fixture("order.created__processing_customer_coupon")  # 30.00 of basis: 0.60 of cashback
    with fake_woocommerce() as woo:
        deliver_to(client, "order.created", order, "d1")
        api = Api(client, store["api_key"])
        assert api.member(order["customer_id"])["cashback_available"] == "0.60"
        shop = {"id": store["id"], "public_id": public_id(app, store["id"])}
        response = spend(client, app, shop, "0.60", signed(app, shop, str(order["customer_id"])))
        assert response.status_code == 201, response.json
        drain()
        [body] = woo.posted
    assert body["code"] == response.json["code"]
    assert (body["discount_type"], body["amount"], body["free_shipping"]) == ("fixed_cart", "0.60", False)
    assert body["email_restrictions"] == [order["billing"]["email"]]
    assert (body["usage_limit"], body["usage_limit_per_user"]) == (1, 1)
    assert body["minimum_amount"] == "0.60"
    expires = woo.expiry_of(body["code"])  # as the store keeps it (a field it drops is no expiry)
    assert expires is not None
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
    member = api.member(order["customer_id"])
    assert member["cashback_available"] == "0.00"
    [listed] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (listed["kind"], listed["status"], listed["platform"]) == ("cashback", "active", "woocommerce")


def public_id(app: Flask, shop_id: int) -> str:
    from integrator.loyalty.models import Shop

    with app.extensions["setia_db"].session() as session:
        return session.get(Shop, shop_id).public_id


def test_more_than_the_available_cashback_answers_409_and_spends_nothing(app, client, api, shop, jane_with_cashback):
    response = spend(client, app, shop, "3.63")
    assert response.status_code == 409 and response.json["error"] == "not enough cashback available"
    stranger = spend(client, app, shop, "1.00", signed(app, shop, "999"))  # signed, but not a member
    assert stranger.status_code == 409
    assert api.member(JANE)["cashback_available"] == "3.62"
    assert coupon_count(app) == 0


@pytest.mark.parametrize("amount", ["0", "-1.00", "abc", "1.005", "NaN", "Infinity", "", " ", 1, 1.5, None, True])
def test_a_bad_amount_answers_422_and_spends_nothing(app, client, api, shop, jane_with_cashback, amount):
    response = spend(client, app, shop, amount)
    assert response.status_code == 422
    assert response.json["error"] and response.json["details"]["amount"]
    assert api.member(JANE)["cashback_available"] == "3.62"
    assert coupon_count(app) == 0


def test_whole_rupiah_only_in_an_idr_shop():
    from integrator.loyalty.cashback import parse_cashback_amount
    from integrator.loyalty.errors import InvalidSettings

    assert parse_cashback_amount("10000", "IDR") == 10000
    with pytest.raises(InvalidSettings):
        parse_cashback_amount("10000.50", "IDR")


def test_a_body_without_an_amount_is_refused(app, client, api, shop, jane_with_cashback):
    url = f"/widget/v1/{shop['public_id']}/cashback-redemptions"
    for body in ({}, [], {"amount_": "1.00"}):
        response = client.post(url, query_string=signed(app, shop), json=body)
        assert response.status_code == 422 and "amount" in response.json["details"]
    assert client.post(url, query_string=signed(app, shop), data="amount=1").status_code == 422
    assert api.member(JANE)["cashback_available"] == "3.62"


def test_a_store_credit_shop_has_no_cashback_to_spend_by_hand(app, client, shops):
    credit_shop = shops.make(settings={"cashback_percent": "2", "cashback_store_credit": True})
    response = spend(client, app, credit_shop, "1.00")
    assert response.status_code == 409
    assert response.json["error"] == "cashback is paid as store credit"
    assert coupon_count(app) == 0


def test_spending_cashback_needs_the_shoppers_signature(app, client, api, shop, jane_with_cashback):
    forged = {**signed(app, shop), "sig": "0" * 64}
    response = spend(client, app, shop, "1.00", forged)
    assert response.status_code == 401 and "balances" not in response.json
    assert api.member(JANE)["cashback_available"] == "3.62"


def test_the_storefront_may_call_it_cross_origin(app, client, shop, shopify, jane_with_cashback):
    url = f"/widget/v1/{shop['public_id']}/cashback-redemptions"
    preflight = client.options(url, headers={"Origin": STOREFRONT, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == STOREFRONT
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    response = client.post(url, query_string=signed(app, shop), json={"amount": "1.00"}, headers={"Origin": STOREFRONT})
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == STOREFRONT
    assert response.headers["Cache-Control"] == "private, no-store"
    foreign = client.post(
        url, query_string=signed(app, shop), json={"amount": "1.00"}, headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in foreign.headers
    drain()


def test_the_shoppers_rate_limit_answers_429_and_spends_nothing(
    app, client, api, shop, jane_with_cashback, monkeypatch
):
    from integrator.widget_api.limits import Limit

    monkeypatch.setitem(
        app.config,
        "WIDGET_RATE_LIMITS",
        {"client": Limit("client", 1000, 86_400), "shopper": Limit("shopper", 0, 86_400)},
    )
    response = spend(client, app, shop, "1.00")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert api.member(JANE)["cashback_available"] == "3.62"
    assert coupon_count(app) == 0


def test_a_code_the_store_refuses_gives_the_cashback_back(app, client, api, shop, shopify, jane_with_cashback):
    refusal = {"field": ["basicCodeDiscount", "code"], "code": "INVALID", "message": "Code is invalid"}
    shopify.answer(
        "SetiaDiscountCreate", {"discountCodeBasicCreate": {"codeDiscountNode": None, "userErrors": [refusal]}}
    )
    assert spend(client, app, shop, "2.50").status_code == 201
    drain()
    member = api.member(JANE)
    assert member["cashback_available"] == "3.62"  # spent, then given back
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (coupon["kind"], coupon["status"]) == ("cashback", "failed")
    assert cashback_entries(api, member["id"])[:2] == [("refund", "2.50"), ("redeem", "-2.50")]


def test_a_woocommerce_refusal_gives_the_cashback_back(app, client):
    store = connected_store(app, {"points_per_unit": "1", "cashback_percent": "2"})
    order = fixture("order.created__processing_customer_coupon")
    shop = {"id": store["id"], "public_id": public_id(app, store["id"])}
    api = Api(client, store["api_key"])
    with fake_woocommerce() as woo:
        deliver_to(client, "order.created", order, "d1")
        woo.refuse_next()
        assert spend(client, app, shop, "0.50", signed(app, shop, str(order["customer_id"]))).status_code == 201
        drain()
        assert len(woo.posted) == 1 and woo.coupons == []
    member = api.member(order["customer_id"])
    assert member["cashback_available"] == "0.60"
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (coupon["status"], coupon["platform"]) == ("failed", "woocommerce")


@requires_postgres
def test_40_parallel_spends_of_the_whole_balance_succeed_once(app, api, shop, shopify, jane_with_cashback):
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    identity = signed(app, shop)
    barrier, codes = threading.Barrier(40), []

    def attempt() -> None:
        client = app.test_client()
        barrier.wait()
        codes.append(spend(client, app, shop, "3.62", identity).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drain()
    assert sorted(codes) == [201] + [409] * 39
    member = api.member(JANE)
    assert member["cashback_available"] == "0.00"
    assert [c["kind"] for c in api.get(f"/members/{member['id']}/coupons").json["items"]] == ["cashback"]
    assert cashback_entries(api, member["id"]).count(("redeem", "-3.62")) == 1

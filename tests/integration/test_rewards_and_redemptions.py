"""Rewards: the merchant adds them, the storefront lists them, a signed shopper spends points on one
and gets a single-use coupon made on the store; points are never spent twice."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from integrator.loyalty.models import Shop
from tests.conftest import Api, drain, requires_postgres
from tests.deliveries import fake30, money_set, with_changes

pytestmark = pytest.mark.usefixtures("ledger_checked")

JANE = "1073339475"  # the FAKE30 order's customer: 181 points at the `shop` fixture's rate
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/7"}, "userErrors": []}
}
VOUCHER = {"name": "Rp-style voucher", "points_cost": 100, "kind": "fixed_amount", "value": "5.00"}


def signed(app: Flask, shop: dict[str, Any], customer: str = JANE) -> dict[str, str]:
    """The contract's shopper identity, computed here: hex HMAC-SHA256 over "<customer>:<ts>"."""
    with app.extensions["setia_db"].session() as session:
        secret = app.extensions["setia_box"].decrypt(session.get(Shop, shop["id"]).widget_secret_enc)
    ts = str(int(time.time()))
    sig = hmac.new(secret.encode(), f"{customer}:{ts}".encode(), hashlib.sha256).hexdigest()
    return {"customer": customer, "ts": ts, "sig": sig}


def redeem(client, app, shop, reward_id: Any, identity: dict[str, str] | None = None) -> Any:
    return client.post(
        f"/widget/v1/{shop['public_id']}/redemptions",
        query_string=identity or signed(app, shop),
        json={"reward_id": reward_id},
    )


def test_the_merchant_adds_a_reward_and_the_storefront_lists_it(client, api, shop):
    response = api.post("/rewards", VOUCHER)
    assert response.status_code == 201 and response.json["id"]
    listed = {
        **VOUCHER,
        "id": response.json["id"],
        "min_order": None,
        "expires_days": 90,
        "active": True,
        "tier_id": None,
    }
    assert api.get("/rewards").json["items"] == [listed]
    assert api.get(f"/rewards/{listed['id']}").json == listed
    program = client.get(f"/widget/v1/{shop['public_id']}/program").json
    assert [(r["name"], r["points_cost"]) for r in program["rewards"]] == [("Rp-style voucher", 100)]


@pytest.mark.parametrize(
    "body",
    [
        {**VOUCHER, "points_cost": 0},
        {**VOUCHER, "kind": "cash"},
        {**VOUCHER, "value": "-1"},
        {**VOUCHER, "kind": "percentage", "value": "150"},
        {"name": "no cost"},
        {**VOUCHER, "extra": 1},
        {**VOUCHER, "min_order": "0"},
        {**VOUCHER, "min_order": "20.005"},  # more digits than USD has
        {**VOUCHER, "value": "5.001"},
        {**VOUCHER, "expires_days": 0},
        {**VOUCHER, "active": "yes"},
    ],
)
def test_an_invalid_reward_is_refused_with_field_errors_and_nothing_stored(api, body):
    response = api.post("/rewards", body)
    assert response.status_code == 422 and response.json["details"]
    assert api.get("/rewards").json["items"] == []


def test_a_shopper_spends_points_on_a_reward_and_gets_a_coupon_made_on_the_store(
    app, client, api, shop, deliver, shopify
):
    deliver("orders/paid", fake30())
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    shopify.answer("SetiaDiscountCreate", CREATED)
    response = redeem(client, app, shop, reward_id)
    assert response.status_code == 201
    coupon = response.json
    assert coupon["code"].startswith("SETIA-") and coupon["status"] in ("active", "pending")
    assert coupon["balances"]["points_available"] == 81
    drain()
    [call] = shopify.calls_of("SetiaDiscountCreate")
    assert call.variables["basicCodeDiscount"]["code"] == coupon["code"]
    member = api.member(JANE)
    assert member["points_available"] == 81
    [listed] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (listed["code"], listed["kind"], listed["status"]) == (coupon["code"], "reward", "active")


def test_too_few_points_answers_409_and_spends_nothing(app, client, api, shop, deliver):
    deliver("orders/paid", with_changes(fake30(), current_subtotal_price_set=money_set("50.00")))  # 50 points
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    response = redeem(client, app, shop, reward_id)
    assert response.status_code == 409 and response.json["error"]
    member = api.member(JANE)
    assert member["points_available"] == 50
    assert api.get(f"/members/{member['id']}/coupons").json["items"] == []


def test_a_redemption_needs_the_shoppers_signature(app, client, api, shop, deliver):
    deliver("orders/paid", fake30())
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    forged = {**signed(app, shop), "sig": "0" * 64}
    assert redeem(client, app, shop, reward_id, forged).status_code == 401
    assert redeem(client, app, shop, "one").status_code == 422
    assert redeem(client, app, shop, reward_id + 999).status_code == 404
    assert api.member(JANE)["points_available"] == 181


def test_a_coupon_the_store_refuses_gives_the_points_back(app, client, api, shop, deliver, shopify):
    deliver("orders/paid", fake30())
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    refusal = {"field": ["basicCodeDiscount", "code"], "code": "INVALID", "message": "Code is invalid"}
    shopify.answer(
        "SetiaDiscountCreate", {"discountCodeBasicCreate": {"codeDiscountNode": None, "userErrors": [refusal]}}
    )
    assert redeem(client, app, shop, reward_id).status_code == 201
    drain()
    member = api.member(JANE)
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert coupon["status"] == "failed"
    assert member["points_available"] == 181  # spent, then given back
    kinds = [entry["kind"] for entry in api.get(f"/members/{member['id']}/ledger").json["items"]]
    assert kinds[:2] == ["refund", "redeem"]


@requires_postgres
def test_50_parallel_redemptions_with_points_for_one_succeed_once(app, api, shop, deliver, shopify):
    deliver("orders/paid", with_changes(fake30(), current_subtotal_price_set=money_set("100.00")))  # 100 points
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    identity = signed(app, shop)
    barrier, codes = threading.Barrier(50), []

    def attempt() -> None:
        client = app.test_client()
        barrier.wait()
        codes.append(redeem(client, app, shop, reward_id, identity).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201] + [409] * 49
    member = api.member(JANE)
    assert member["points_available"] == 0
    assert len(api.get(f"/members/{member['id']}/coupons").json["items"]) == 1


def test_a_reward_is_changed_in_part_and_switched_off(client, api, shop):
    reward_id = api.post("/rewards", {**VOUCHER, "min_order": "20.00", "expires_days": 30}).json["id"]
    changed = api.patch(f"/rewards/{reward_id}", {"points_cost": 150, "min_order": None})
    assert changed.status_code == 200
    assert changed.json == {
        **VOUCHER,
        "id": reward_id,
        "points_cost": 150,
        "min_order": None,
        "expires_days": 30,
        "active": True,
        "tier_id": None,
    }
    assert api.patch(f"/rewards/{reward_id}", {"active": False}).json["active"] is False
    assert api.get("/rewards").json["items"] == []
    [inactive] = api.get("/rewards", query_string={"include_inactive": "true"}).json["items"]
    assert (inactive["id"], inactive["points_cost"], inactive["active"]) == (reward_id, 150, False)
    assert api.get(f"/rewards/{reward_id}").json["active"] is False
    assert client.get(f"/widget/v1/{shop['public_id']}/program").json["rewards"] == []


@pytest.mark.parametrize(
    "patch",
    [
        {"kind": "percentage", "value": "150"},
        {"value": "0"},  # a fixed amount of nothing
        {"min_order": "-5"},
        {"expires_days": 4000},
        {"active": 1},
        {"points_cost": 100, "colour": "red"},
        {"name": ""},
    ],
)
def test_a_bad_change_is_refused_with_field_errors_and_changes_nothing(api, patch):
    reward_id = api.post("/rewards", {**VOUCHER, "min_order": "20.00"}).json["id"]
    before = api.get(f"/rewards/{reward_id}").json
    response = api.patch(f"/rewards/{reward_id}", patch)
    assert response.status_code == 422
    assert set(response.json["details"]) & (set(patch) | {"value"})
    assert api.get(f"/rewards/{reward_id}").json == before


def test_another_shops_reward_is_unknown(client, api, shops):
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    other = Api(client, shops.make(domain="other-shop.myshopify.com")["api_key"])
    assert other.get(f"/rewards/{reward_id}").status_code == 404
    response = other.patch(f"/rewards/{reward_id}", {"active": False})
    assert response.status_code == 404 and response.json["error"]
    assert other.get("/rewards", query_string={"include_inactive": "true"}).json["items"] == []
    assert api.get(f"/rewards/{reward_id}").json["active"] is True
    assert api.patch(f"/rewards/{reward_id + 99}", {"active": False}).status_code == 404


def test_the_openapi_document_describes_the_reward_options(client):
    spec = client.get("/api/v1/openapi.json").json
    detail = spec["paths"]["/api/v1/rewards/{reward_id}"]
    assert {"get", "patch"} <= set(detail)
    listing = spec["paths"]["/api/v1/rewards"]["get"]
    assert "include_inactive" in [parameter["name"] for parameter in listing["parameters"]]
    reward = spec["components"]["schemas"]["RewardOut"]["properties"]
    assert {"min_order", "expires_days", "active"} <= set(reward)


@pytest.mark.usefixtures("on_several_dates")  # the code's end 14 days on
def test_the_code_carries_the_rewards_minimum_order_and_expiry(app, client, api, shop, deliver, shopify):
    deliver("orders/paid", fake30())
    reward_id = api.post("/rewards", {**VOUCHER, "min_order": "20.00", "expires_days": 14}).json["id"]
    shopify.answer("SetiaDiscountCreate", CREATED)
    before = datetime.now(UTC)
    coupon = redeem(client, app, shop, reward_id).json
    drain()
    [call] = shopify.calls_of("SetiaDiscountCreate")
    sent = call.variables["basicCodeDiscount"]
    assert sent["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "20.00"}}
    assert sent["customerGets"]["value"] == {"discountAmount": {"amount": "5.00", "appliesOnEachItem": False}}
    assert sent["context"] == {"customers": {"add": [f"gid://shopify/Customer/{JANE}"]}}
    assert (sent["usageLimit"], sent["appliesOncePerCustomer"]) == (1, True)
    ends = datetime.fromisoformat(sent["endsAt"].replace("Z", "+00:00"))
    assert timedelta(days=14) - timedelta(minutes=1) <= ends - before <= timedelta(days=14, minutes=1)
    assert abs(datetime.fromisoformat(coupon["expires_at"]) - ends) < timedelta(seconds=1)


def test_a_free_shipping_reward_without_minimum_sends_none(app, client, api, shop, deliver, shopify):
    deliver("orders/paid", fake30())
    reward_id = api.post("/rewards", {"name": "Free shipping", "points_cost": 50, "kind": "free_shipping"}).json["id"]
    shopify.answer(
        "SetiaFreeShippingCreate",
        {
            "discountCodeFreeShippingCreate": {
                "codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/8"},
                "userErrors": [],
            }
        },
    )
    assert redeem(client, app, shop, reward_id).status_code == 201
    drain()
    [call] = shopify.calls_of("SetiaFreeShippingCreate")
    sent = call.variables["freeShippingCodeDiscount"]
    assert "minimumRequirement" not in sent and sent["destination"] == {"all": True}


def test_every_field_error_of_a_reward_comes_in_one_answer(api):
    bad = {"name": "", "points_cost": 0, "kind": "percentage", "value": "150", "min_order": "20.005"}
    response = api.post("/rewards", bad)
    assert response.status_code == 422
    assert set(response.json["details"]) == {"name", "points_cost", "value", "min_order"}
    bad = {"name": "", "points_cost": 100, "kind": "fixed_amount", "value": "5.001"}
    assert set(api.post("/rewards", bad).json["details"]) == {"name", "value"}
    assert set(api.post("/rewards", {"name": "x", "kind": "fixed_amount", "value": "0"}).json["details"]) == {
        "points_cost",
        "value",
    }
    assert api.get("/rewards").json["items"] == []

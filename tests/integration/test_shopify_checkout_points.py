"""The checkout's Setia blocks (Shopify Plus: order summary, beside the discount field): GET
/checkout/shopify/me, POST /checkout/shopify/redemptions and GET /checkout/shopify/estimate,
authenticated by the Checkout UI extension's session token (HS256 with the app secret, aud = the
API key, dest = the shop, sub = the buyer's customer gid when logged in), answered as the widget
API answers, with the widget API's one redemption path (never spent twice)."""

from __future__ import annotations

import threading
import time
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import Api, drain, requires_postgres
from tests.deliveries import OTHER_DOMAIN, fake30, money_set, with_changes
from tests.integration.test_rewards_and_redemptions import signed
from tests.integration.test_shopify_checkout import JANE, ORIGIN, token

pytestmark = pytest.mark.usefixtures("ledger_checked")

VOUCHER = {"name": "Voucher", "points_cost": 100, "kind": "fixed_amount", "value": "5.00"}
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/7"}, "userErrors": []}
}


def headers(**claims: Any) -> dict[str, str]:
    return {"Origin": ORIGIN, "Authorization": f"Bearer {token(**claims)}"}


def me(client: FlaskClient, **claims: Any) -> Any:
    return client.get("/checkout/shopify/me", headers=headers(**claims))


def redeem(client: FlaskClient, reward_id: Any, **claims: Any) -> Any:
    return client.post("/checkout/shopify/redemptions", headers=headers(**claims), json={"reward_id": reward_id})


@pytest.fixture()
def jane(deliver: Any, api: Api) -> dict[str, Any]:
    assert deliver("orders/paid", fake30()).status_code == 200  # 181 points, 3.62 cashback
    member = api.member(JANE)
    assert member is not None and member["points_available"] == 181
    return member


def test_the_logged_in_buyer_gets_the_widget_apis_me(app, client, shop, jane):
    response = me(client)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "no-store" in response.headers["Cache-Control"]
    body = response.json
    assert body["member"] is True and body["currency"] == "USD"
    assert body["balances"]["points_available"] == 181 and body["balances"]["cashback_available"] == "3.62"
    widget = client.get(f"/widget/v1/{shop['public_id']}/me", query_string=signed(app, shop))
    assert body == widget.json  # one answer, two doors


def test_a_guest_buyer_is_403_with_no_member_data(client, jane):
    response = me(client, sub=None)
    assert response.status_code == 403
    assert response.json["error"] == "no logged-in customer" and "181" not in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


BAD = {
    "wrong audience": lambda now: {"aud": "another-app"},
    "expired": lambda now: {"exp": now - 60, "nbf": now - 400},
    "not yet valid": lambda now: {"nbf": now + 60},
    "another app's secret": lambda now: {"secret": "another-app-secret"},
    "a shop that is not connected": lambda now: {"dest": "someone-else.myshopify.com"},
}


@pytest.mark.parametrize("bad", list(BAD))
def test_a_bad_token_is_401_and_spends_nothing(client, api, jane, bad):
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    claims = BAD[bad](int(time.time()))
    for response in (me(client, **claims), redeem(client, reward_id, **claims)):
        assert response.status_code == 401
        assert set(response.json) == {"error", "details"} and "181" not in response.get_data(as_text=True)
    assert api.member(JANE)["points_available"] == 181


def test_a_token_of_another_connected_shop_sees_that_shops_member_only(client, shops, api, jane):
    shops.make(domain=OTHER_DOMAIN, settings={"points_per_unit": "1"})
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    other = me(client, dest=f"https://{OTHER_DOMAIN}")
    assert other.status_code == 200
    assert other.json["member"] is False and other.json["balances"]["points_available"] == 0
    # This shop's reward is no reward at the other shop; Jane's points here stay hers.
    assert redeem(client, reward_id, dest=f"https://{OTHER_DOMAIN}").status_code == 404
    assert api.member(JANE)["points_available"] == 181


def test_the_buyer_redeems_a_reward_and_gets_its_code(client, api, jane, shopify):
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    response = redeem(client, reward_id)
    assert response.status_code == 201, response.json
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    body = response.json
    assert body["code"].startswith("SETIA-") and body["status"] in ("active", "pending")
    assert body["balances"]["points_available"] == 81
    [coupon] = api.get(f"/members/{jane['id']}/coupons").json["items"]
    assert coupon["code"] == body["code"] and coupon["kind"] == "reward"
    # The code the store was asked to make is the one the buyer got, for Jane alone, single use.
    drain()
    [created] = shopify.calls_of("SetiaDiscountCreate")
    discount = created.variables["basicCodeDiscount"]
    assert discount["code"] == body["code"]
    assert discount["context"]["customers"]["add"] == [f"gid://shopify/Customer/{JANE}"]
    assert discount["usageLimit"] == 1
    assert api.member(JANE)["points_available"] == 81


def test_too_few_points_is_409_an_unknown_reward_404_a_bad_body_422(client, api, jane):
    dear = api.post("/rewards", {**VOUCHER, "points_cost": 182}).json["id"]
    too_low = redeem(client, dear)
    assert too_low.status_code == 409 and too_low.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert redeem(client, 999_999).status_code == 404
    for body in ({"reward_id": "1"}, {"reward_id": True}, {}, [1]):
        response = client.post("/checkout/shopify/redemptions", headers=headers(), json=body)
        assert response.status_code == 422, body
    assert client.post("/checkout/shopify/redemptions", headers=headers(), data="reward_id=1").status_code == 422
    assert api.member(JANE)["points_available"] == 181


def test_a_guest_cannot_redeem(client, api, jane):
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    assert redeem(client, reward_id, sub=None).status_code == 403
    assert api.member(JANE)["points_available"] == 181


def test_the_preflight_of_a_redemption_is_allowed(client, jane):
    response = client.options(
        "/checkout/shopify/redemptions",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 204
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


@requires_postgres
def test_30_concurrent_checkout_redemptions_of_one_affordable_reward_give_one_code(app, api, shop, deliver, shopify):
    deliver("orders/paid", with_changes(fake30(), current_subtotal_price_set=money_set("100.00")))  # 100 points
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    bearer = headers()  # one token, sent 30 times at once (a buyer clicking, a retrying worker)
    barrier, answers = threading.Barrier(30), []

    def attempt() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post("/checkout/shopify/redemptions", headers=bearer, json={"reward_id": reward_id})
        answers.append((response.status_code, response.json.get("code")))

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [201] + [409] * 29
    member = api.member(JANE)
    assert member["points_available"] == 0
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert [code for status, code in answers if status == 201] == [coupon["code"]]


def test_the_checkout_estimate_is_what_the_order_then_earns(client, shops, api, deliver):
    shop = shops.make(settings={"points_per_unit": "100", "cashback_percent": "2.5"})
    # 1.15 × 100 is 114.99999999999999 in floating point; 2.5 % of 1.15 is 0.02875 → 0.02.
    estimate = client.get("/checkout/shopify/estimate", query_string={"subtotal": "1.15"}, headers=headers())
    assert estimate.status_code == 200
    assert estimate.json == {"points": 115, "cashback": "0.02", "currency": "USD", "display": {"cashback": "$0.02"}}
    order = with_changes(fake30(), current_subtotal_price="1.15", current_subtotal_price_set=money_set("1.15"))
    assert deliver("orders/paid", order).status_code == 200
    member = Api(client, shop["api_key"]).member(JANE)
    assert (member["points_available"], member["cashback_available"]) == (115, "0.02")


def test_a_guest_buyer_gets_the_estimate_a_bad_subtotal_is_422(client, shop):
    guest = client.get("/checkout/shopify/estimate?subtotal=181.09", headers=headers(sub=None))
    points = int(Decimal("181.09").to_integral_value(ROUND_DOWN))
    assert guest.status_code == 200 and guest.json["points"] == points
    for bad in ("", "abc", "-1", "1e400", "1.23456", "NaN", "9" * 41):
        response = client.get("/checkout/shopify/estimate", query_string={"subtotal": bad}, headers=headers())
        assert response.status_code == 422, bad
        assert response.json["error"] == "invalid input" and "subtotal" in response.json["details"]
    assert client.get("/checkout/shopify/estimate?subtotal=1", headers=headers(aud="x")).status_code == 401


def test_the_blocks_read_the_programmes_rewards_with_any_buyers_token(client, api, shop):
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    for claims in ({}, {"sub": None}):
        response = client.get("/checkout/shopify/program", headers=headers(**claims))
        assert response.status_code == 200
        assert [(r["id"], r["points_cost"]) for r in response.json["rewards"]] == [(reward_id, 100)]
        assert response.json == client.get(f"/widget/v1/{shop['public_id']}/program").json
    assert client.get("/checkout/shopify/program", headers=headers(aud="another-app")).status_code == 401


def test_the_checkout_routes_are_rate_limited_and_the_extension_can_read_the_429(app, client, jane, monkeypatch):
    from integrator.widget_api.limits import Limit

    day = 86_400
    monkeypatch.setitem(
        app.config, "WIDGET_RATE_LIMITS", {"client": Limit("client", 1000, day), "shopper": Limit("shopper", 2, day)}
    )
    assert [me(client).status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/checkout/shopify/estimate?subtotal=1", headers=headers())  # the same buyer
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert me(client, sub="gid://shopify/Customer/42").status_code == 200  # another buyer still gets through

"""Each referral fraud check flags its case, with its reason stored, and not the honest case next to
it; a flagged referral waits for the merchant's review and pays only once approved, exactly once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from integrator import periodic
from integrator.loyalty.models import utcnow
from tests.conftest import drain
from tests.referral_helpers import (
    ADVOCATE,
    CODES_ADDED,
    FRIEND_DISCOUNT_CREATED,
    advocate_order,
    friend_code,
    person,
    referral_settings,
    referrals,
)

pytestmark = pytest.mark.usefixtures("ledger_checked")


def stranger(i: int, **changes: Any) -> dict[str, Any]:
    """Someone who shares nothing with the advocate (Budi Santoso) nor with the other strangers."""
    values: dict[str, Any] = {
        "email": f"friend{i}@example.com",
        "first": f"Friend{i}",
        "last": "Tester",
        "phone": f"+1 613 555 {1000 + i}",
        "street": f"{100 + i} Other Road",
        "ip": f"198.51.100.{100 + i}",
    }
    values.update(changes)
    customer = values.pop("customer", str(8000 + i))
    return values | {"customer": customer}


def order_of(order_id: int, values: dict[str, Any], codes: tuple[str, ...] = ()) -> dict[str, Any]:
    values = dict(values)
    customer = values.pop("customer")
    return person(order_id, customer, codes=codes, **values)


@pytest.fixture()
def setup(shops, shopify, client, app, deliver):
    shopify.answer("SetiaDiscountCreate", FRIEND_DISCOUNT_CREATED, always=True)
    shopify.answer("SetiaRedeemCodesAdd", CODES_ADDED, always=True)

    def make(**settings: Any) -> str:
        shop = shops.make(settings=referral_settings(**settings))
        deliver("orders/paid", advocate_order())
        return str(friend_code(client, app, shop)["code"])

    return make


CASES = {
    # reason: (what the flagged friend does, the honest neighbour)
    "same_customer": ({"customer": ADVOCATE}, {"customer": "7003"}),
    "shared_email": ({"email": "Budi.Santoso+promo@GoogleMail.com"}, {"email": "budi.santoso2@gmail.com"}),
    "shared_phone": ({"phone": "+62 812-3456-7890"}, {"phone": "+62 812-3456-7891"}),
    "shared_address": ({"street": "JALAN MELATI, 12"}, {"street": "Jalan Melati 14"}),
    "same_name": ({"first": "budi", "last": "SANTOSO"}, {"first": "Budi", "last": "Santosa"}),
}


@pytest.mark.parametrize("flagged", [True, False], ids=["flagged", "honest"])
@pytest.mark.parametrize("reason", list(CASES))
def test_each_check_flags_its_case_and_not_the_honest_one(setup, deliver, app, reason, flagged):
    code = setup()
    deliver("orders/paid", order_of(5001, stranger(1, **CASES[reason][0 if flagged else 1]), (code,)))
    [referral] = referrals(app)
    if flagged:
        # The advocate's own order also shares everything else with the advocate (and came before).
        alone = (
            [reason] if reason != "same_customer" else ["same_customer", "shared_email", "ordered_before", "same_name"]
        )
        assert (referral.status, referral.reasons) == ("review", alone)
        assert referral.evidence[reason]
    else:
        assert (referral.status, referral.reasons) == ("holding", [])


@pytest.mark.parametrize("paid_before", [True, False], ids=["flagged", "honest"])
@pytest.mark.parametrize("guest", [False, True], ids=["member", "guest"])
def test_a_friend_who_ordered_before_is_flagged(setup, deliver, app, paid_before, guest):
    code = setup()
    friend = stranger(1, customer=None) if guest else stranger(1)
    earlier = order_of(5000, friend)
    if not paid_before:  # an earlier order never paid (an abandoned bank transfer) is no order
        earlier = dict(earlier, financial_status="pending")
    deliver("orders/create" if not paid_before else "orders/paid", earlier)
    deliver("orders/paid", order_of(5001, friend, (code,)))
    [referral] = referrals(app)
    assert referral.reasons == (["ordered_before"] if paid_before else [])


@pytest.mark.parametrize("earlier", [10, 9], ids=["flagged", "honest"])
def test_more_than_ten_referrals_from_one_buyer_ip_in_a_week(setup, deliver, app, earlier):
    code = setup()
    for i in range(earlier):
        deliver("orders/paid", order_of(5100 + i, stranger(i, ip="192.0.2.9"), (code,)))
    deliver("orders/paid", order_of(5200, stranger(50, ip="192.0.2.9"), (code,)))
    found = referrals(app)
    assert [r.reasons for r in found[:-1]] == [[]] * earlier
    assert found[-1].reasons == (["ip_velocity"] if earlier == 10 else [])


def test_referrals_from_one_ip_a_week_apart_are_not_counted_together(setup, deliver, app):
    code = setup()
    for i in range(10):
        deliver("orders/paid", order_of(5100 + i, stranger(i, ip="192.0.2.9"), (code,)))
    with time_machine.travel(utcnow() + timedelta(days=8), tick=True):
        deliver("orders/paid", order_of(5200, stranger(50, ip="192.0.2.9"), (code,)))
    assert referrals(app)[-1].reasons == []


@pytest.mark.parametrize("earlier", [2, 1], ids=["flagged", "honest"])
def test_the_merchants_monthly_cap_per_advocate(setup, deliver, app, earlier):
    code = setup(monthly_cap=2)
    for i in range(earlier):
        deliver("orders/paid", order_of(5100 + i, stranger(i), (code,)))
    deliver("orders/paid", order_of(5200, stranger(50), (code,)))
    assert referrals(app)[-1].reasons == (["advocate_cap"] if earlier == 2 else [])


def review(client, shop_key: str, referral_id: int, decision: str) -> Any:
    return client.post(
        f"/api/v1/referrals/{referral_id}/{decision}", headers={"Authorization": f"Bearer {shop_key}"}, json={}
    )


def test_an_approved_flagged_referral_pays_exactly_once(shops, shopify, client, app, deliver, api):
    shopify.answer("SetiaDiscountCreate", FRIEND_DISCOUNT_CREATED, always=True)
    shop = shops.make(settings=referral_settings(hold_days=0))
    deliver("orders/paid", advocate_order())
    code = friend_code(client, app, shop)["code"]
    deliver("orders/paid", order_of(5001, stranger(1, phone="0812 3456 7890"), (code,)))
    [referral] = referrals(app)
    assert referral.status == "review"
    before = api.member(ADVOCATE)["points_available"]
    periodic.pay_referrals()
    assert api.member(ADVOCATE)["points_available"] == before  # a flagged referral never pays alone

    answer = review(client, shop["api_key"], referral.id, "approve")
    assert answer.status_code == 200 and answer.json["status"] == "paid"
    again = review(client, shop["api_key"], referral.id, "approve")
    assert again.status_code == 409 and again.json["error"] == "this referral is not waiting for review"
    periodic.pay_referrals()
    drain()
    assert api.member(ADVOCATE)["points_available"] == before + 500


def test_a_rejected_referral_never_pays(shops, shopify, client, app, deliver, api):
    shopify.answer("SetiaDiscountCreate", FRIEND_DISCOUNT_CREATED, always=True)
    shop = shops.make(settings=referral_settings(hold_days=0))
    deliver("orders/paid", advocate_order())
    code = friend_code(client, app, shop)["code"]
    deliver("orders/paid", order_of(5001, stranger(1, first="Budi", last="Santoso"), (code,)))
    [referral] = referrals(app)
    before = api.member(ADVOCATE)["points_available"]
    assert review(client, shop["api_key"], referral.id, "reject").json["status"] == "rejected"
    assert review(client, shop["api_key"], referral.id, "approve").status_code == 409
    periodic.pay_referrals()
    assert api.member(ADVOCATE)["points_available"] == before


def test_the_merchant_may_give_a_rewards_code_instead_of_points(shops, shopify, client, app, deliver, api):
    shopify.answer("SetiaDiscountCreate", FRIEND_DISCOUNT_CREATED, always=True)
    shop = shops.make(settings=referral_settings(hold_days=0))
    headers = {"Authorization": f"Bearer {shop['api_key']}"}
    voucher = {"name": "Voucher 5", "points_cost": 50, "kind": "fixed_amount", "value": "5.00"}
    reward_id = client.post("/api/v1/rewards", headers=headers, json=voucher).json["id"]
    changed = client.patch("/api/v1/settings", headers=headers, json={"referrals": {"advocate_reward_id": reward_id}})
    assert changed.status_code == 200 and changed.json["referrals"]["advocate_reward_id"] == reward_id
    deliver("orders/paid", advocate_order())
    code = friend_code(client, app, shop)["code"]
    before = api.member(ADVOCATE)["points_available"]
    deliver("orders/paid", order_of(5001, stranger(1), (code,)))
    [referral] = referrals(app)
    assert (referral.status, referral.reward_points, referral.reward_id) == ("paid", 0, reward_id)
    advocate = api.member(ADVOCATE)
    assert advocate["points_available"] == before
    [coupon] = client.get(f"/api/v1/members/{advocate['id']}/coupons", headers=headers).json["items"]
    assert (coupon["kind"], coupon["value_type"], coupon["value"], coupon["status"]) == (
        "reward",
        "fixed_amount",
        "5.00",
        "pending",
    )
    periodic.pay_referrals()  # again: nothing more
    assert len(client.get(f"/api/v1/members/{advocate['id']}/coupons", headers=headers).json["items"]) == 1
    unset = client.patch("/api/v1/settings", headers=headers, json={"referrals": {"advocate_reward_id": None}})
    assert unset.json["referrals"]["advocate_reward_id"] is None

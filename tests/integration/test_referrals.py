"""Referrals end to end with the real Shopify payloads: the friend code made on the (strict, fake)
store once, the friend's first order with it paying the advocate once after the hold, whatever
deliveries arrive and in whatever order; refunds before and after; the review queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from integrator import jobs, periodic
from integrator.loyalty.models import utcnow
from tests.conftest import drain, requires_postgres
from tests.integration.test_concurrency_and_recovery import all_at_once, event_ids
from tests.integration.test_widget_api import signed, widget_secret
from tests.referral_helpers import (
    ADVOCATE,
    CODES_ADDED,
    FRIEND,
    FRIEND_DISCOUNT_CREATED,
    advocate_order,
    friend_code,
    person,
    referral_settings,
    referrals,
)

pytestmark = pytest.mark.usefixtures("ledger_checked")
REFUND = {
    "id": 77001,
    "order_id": 5001,
    "created_at": "2025-04-03T10:00:00-05:00",
    "refund_line_items": [{"subtotal_set": {"shop_money": {"amount": "50.00", "currency_code": "USD"}}}],
}


@pytest.fixture()
def store(shopify):
    shopify.answer("SetiaDiscountCreate", FRIEND_DISCOUNT_CREATED, always=True)
    shopify.answer("SetiaRedeemCodesAdd", CODES_ADDED, always=True)
    return shopify


@pytest.fixture()
def referral_shop(shops, store):
    return shops.make(settings=referral_settings())


@pytest.fixture()
def advocate(client, app, deliver, referral_shop):
    deliver("orders/paid", advocate_order())
    return friend_code(client, app, referral_shop)


def points(api, customer: str = ADVOCATE) -> int:
    member = api.member(customer)
    return member["points_available"] if member else 0


def pay_due() -> int:
    paid = periodic.pay_referrals()
    drain()
    return paid


def test_the_friend_code_is_made_once_as_the_shop_friend_discount(client, app, store, referral_shop, deliver):
    first = friend_code(client, app, referral_shop)
    assert first == friend_code(client, app, referral_shop)  # asked again: the same code, nothing new
    assert first["url"] == f"https://setia.test/ref/{first['code']}"  # APP_URL of the tests
    [create] = store.calls_of("SetiaDiscountCreate")
    sent = create.variables["basicCodeDiscount"]
    assert sent["code"] == first["code"] and sent["title"] == "Setia friend discount"
    assert sent["context"] == {"all": "ALL"}  # any shopper, a guest too
    assert sent["appliesOncePerCustomer"] is True and "usageLimit" not in sent and "endsAt" not in sent
    assert sent["customerGets"] == {"value": {"percentage": 0.15}, "items": {"all": True}}

    second = friend_code(client, app, referral_shop, customer="7002")
    assert second["code"] != first["code"]
    [add] = store.calls_of("SetiaRedeemCodesAdd")
    assert add.variables == {"discountId": "gid://shopify/DiscountCodeNode/900", "codes": [{"code": second["code"]}]}
    assert len(store.calls_of("SetiaDiscountCreate")) == 1


def test_a_friends_first_order_pays_the_advocate_once_after_the_hold(
    client, app, api, deliver, advocate, referral_shop
):
    before = points(api)
    order = person(5001, FRIEND, codes=(advocate["code"].lower(),))  # WooCommerce writes codes lowercased
    created = dict(order, financial_status="pending", updated_at="2025-04-02T11:00:00-05:00")
    deliver("orders/paid", order, webhook_id="paid")
    deliver("orders/paid", order, webhook_id="paid")  # the same delivery again
    deliver("orders/create", created)  # an older version, late
    deliver("orders/updated", order)
    [referral] = referrals(app)
    assert (referral.status, referral.reasons, referral.friend_first_name) == ("holding", [], "Jane")
    assert points(api) == before and pay_due() == 0  # not before the hold

    with time_machine.travel(utcnow() + timedelta(days=14, minutes=1), tick=True):
        assert pay_due() == 1
        assert pay_due() == 0
        deliver("orders/updated", dict(order, updated_at="2025-04-20T10:00:00-05:00"))
    assert points(api) == before + 500
    [referral] = referrals(app)
    assert referral.status == "paid"
    query = signed(ADVOCATE, widget_secret(app, referral_shop["id"]))
    items = client.get(f"/widget/v1/{referral_shop['public_id']}/history", query_string=query).json["items"]
    assert items[0]["description"] == "Jane's first order (referral)" and items[0]["amount"] == 500


def test_with_no_hold_the_advocate_is_paid_at_once(shops, store, client, app, api, deliver):
    shop = shops.make(settings=referral_settings(hold_days=0))
    deliver("orders/paid", advocate_order())
    code = friend_code(client, app, shop)["code"]
    deliver("orders/paid", person(5001, FRIEND, codes=(code,)))
    assert [r.status for r in referrals(app)] == ["paid"]
    assert points(api) == 100 + 500  # the advocate's own order (100.00 at 1 point per 1.00) and the reward


@requires_postgres
def test_twenty_concurrent_deliveries_of_the_friends_order_pay_once(shops, store, client, app, api, deliver):
    shop = shops.make(settings=referral_settings(hold_days=0))
    deliver("orders/paid", advocate_order())
    code = friend_code(client, app, shop)["code"]
    order = person(5001, FRIEND, codes=(code,))
    first = len(event_ids(app))
    for i in range(20):
        deliver("orders/paid" if i % 2 else "orders/updated", order, webhook_id=f"friend-{i}", process=False)
    ids = event_ids(app)[first:]
    assert len(ids) == 20
    all_at_once(20, lambda i: jobs.process_event(ids[i]))
    assert [r.status for r in referrals(app)] == ["paid"]
    assert points(api) == 600


def test_a_refund_inside_the_hold_pays_nothing(client, app, api, deliver, advocate):
    before = points(api)
    deliver("orders/paid", person(5001, FRIEND, codes=(advocate["code"],)))
    deliver("refunds/create", REFUND)
    assert [r.status for r in referrals(app)] == ["void"]
    with time_machine.travel(utcnow() + timedelta(days=15), tick=True):
        assert pay_due() == 0
    assert points(api) == before


def test_a_cancelled_order_pays_nothing(client, app, api, deliver, advocate):
    order = person(5001, FRIEND, codes=(advocate["code"],))
    deliver("orders/paid", order)
    deliver(
        "orders/cancelled",
        dict(order, cancelled_at="2025-04-03T10:00:00-05:00", updated_at="2025-04-03T10:00:00-05:00"),
    )
    assert [r.status for r in referrals(app)] == ["void"]


def test_a_refund_after_the_reward_takes_it_back(client, app, api, deliver, advocate):
    before = points(api)
    deliver("orders/paid", person(5001, FRIEND, codes=(advocate["code"],)))
    with time_machine.travel(utcnow() + timedelta(days=15), tick=True):
        assert pay_due() == 1
        assert points(api) == before + 500
        deliver("refunds/create", REFUND)
        deliver("refunds/create", REFUND)  # again: nothing more
    assert [r.status for r in referrals(app)] == ["reversed"]
    assert points(api) == before


def test_an_order_without_a_friend_code_or_a_second_order_is_no_referral(client, app, api, deliver, advocate):
    deliver("orders/paid", person(5001, FRIEND, codes=("SUMMER10",)))
    assert referrals(app) == []


def test_referrals_off_asks_for_no_code_and_makes_no_referral(shops, store, client, app, deliver):
    shop = shops.make(settings=referral_settings(enabled=False))
    query = signed(ADVOCATE, widget_secret(app, shop["id"]))
    response = client.get(f"/widget/v1/{shop['public_id']}/referral", query_string=query)
    assert response.status_code == 404 and response.json["error"] == "referrals are off"
    assert store.calls == []


def test_erasing_the_friend_forgets_their_keys_and_first_name(client, app, api, deliver, advocate):
    from sqlalchemy import func, select

    from integrator.loyalty.models import BuyerKey
    from tests.integration.test_shopify_compliance import compliance, jane

    deliver("orders/paid", person(5001, FRIEND, codes=(advocate["code"],)))
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(func.count()).where(BuyerKey.platform_order_id == "5001")).scalar_one() == 3
    deliver("customers/redact", compliance("customers/redact", **jane(orders_to_redact=[5001])))
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(func.count()).where(BuyerKey.platform_order_id == "5001")).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(BuyerKey)).scalar_one() == 3  # the advocate's stay
    [referral] = referrals(app)
    assert referral.friend_first_name is None and referral.status == "holding"

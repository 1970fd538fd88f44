"""A paid order of a member gets one unboxing coupon, made on Shopify exactly once with
discountCodeBasicCreate, whatever deliveries arrive; refusals, throttling and lost answers."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from integrator import periodic
from integrator.loyalty.models import Coupon, utcnow
from tests.conftest import drain
from tests.deliveries import fake30, fixture, with_changes
from tests.fake_shopify import THROTTLED

pytestmark = pytest.mark.usefixtures("ledger_checked")

CUSTOMER = "1073339475"
CUSTOMER_GID = f"gid://shopify/Customer/{CUSTOMER}"
CODE = re.compile(r"^SETIA-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$")
UNBOXING = {"enabled": True, "discount_percent": "10", "expires_days": 30}
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/501"}, "userErrors": []}
}


@pytest.fixture()
def unboxing_shop(shops):
    return shops.make(settings={"points_per_unit": "1", "cashback_percent": "2", "unboxing": UNBOXING})


def stored_coupons(app) -> list[Coupon]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(Coupon).order_by(Coupon.id)).scalars())


def member_coupons(client, shop) -> list[dict]:
    headers = {"Authorization": f"Bearer {shop['api_key']}"}
    members = client.get("/api/v1/members", headers=headers).json["items"]
    member = next(m for m in members if m["platform_customer_id"] == CUSTOMER)
    response = client.get(f"/api/v1/members/{member['id']}/coupons", headers=headers)
    assert response.status_code == 200
    return response.json["items"]


def make_due_for_retry(app) -> None:
    """Move the pending coupons' creation back in time, as if the retry delay had passed."""
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Coupon).values(created_at=utcnow() - timedelta(hours=1)))


def test_every_delivery_of_a_paid_order_makes_one_coupon_limited_to_the_shopper(
    deliver, client, shopify, unboxing_shop
):
    shopify.answer("SetiaDiscountCreate", CREATED)
    order = fake30()
    created = with_changes(order, financial_status="pending", updated_at="2025-04-02T11:30:00-05:00")
    updated = with_changes(order, updated_at="2025-04-02T12:00:00-05:00")
    deliver("orders/create", created)
    deliver("orders/paid", order, webhook_id="paid-1")
    deliver("orders/paid", order, webhook_id="paid-1")  # the same delivery again
    deliver("orders/paid", order)  # the same event in a new delivery
    deliver("orders/updated", updated)
    deliver("orders/updated", updated)

    [call] = shopify.calls_of("SetiaDiscountCreate")
    assert "discountCodeBasicCreate" in call.query and call.token == "shpat_test"
    sent = call.variables["basicCodeDiscount"]
    assert CODE.match(sent["code"])
    assert sent["context"] == {"customers": {"add": [CUSTOMER_GID]}}
    assert "customerSelection" not in sent  # deprecated at 2026-07 in favour of context
    assert sent["customerGets"] == {"value": {"percentage": 0.1}, "items": {"all": True}}
    assert sent["usageLimit"] == 1 and sent["appliesOncePerCustomer"] is True
    assert sent["code"] in sent["title"]
    starts = datetime.fromisoformat(sent["startsAt"].replace("Z", "+00:00"))
    ends = datetime.fromisoformat(sent["endsAt"].replace("Z", "+00:00"))
    assert abs(starts - utcnow()) < timedelta(minutes=5) and ends - starts == timedelta(days=30)

    [coupon] = member_coupons(client, unboxing_shop)
    assert coupon["code"] == sent["code"] and coupon["kind"] == "unboxing"
    assert coupon["status"] == "active" and coupon["platform"] == "shopify"
    assert coupon["platform_id"] == "gid://shopify/DiscountCodeNode/501"
    assert (coupon["value_type"], coupon["value"], coupon["source_id"]) == ("percentage", "10", "1073459981")
    assert coupon["expires_at"].startswith(ends.strftime("%Y-%m-%dT%H:%M"))


def test_no_coupon_when_unboxing_is_disabled(deliver, app, shopify, shop):
    deliver("orders/paid", fake30())
    assert shopify.calls == [] and stored_coupons(app) == []


def test_no_coupon_for_a_guest_order(deliver, app, shopify, unboxing_shop):
    deliver("orders/paid", fixture("orders_paid__paid_guest_no_customer"))
    assert shopify.calls == [] and stored_coupons(app) == []


def test_no_coupon_before_the_order_is_paid(deliver, app, shopify, unboxing_shop):
    deliver("orders/create", with_changes(fake30(), financial_status="pending"))
    assert shopify.calls == [] and stored_coupons(app) == []


def test_throttled_then_created(deliver, client, shopify, unboxing_shop):
    shopify.answer("SetiaDiscountCreate", THROTTLED)
    shopify.answer("SetiaDiscountCreate", CREATED)
    deliver("orders/paid", fake30())
    first, second = shopify.calls_of("SetiaDiscountCreate")
    assert first.variables == second.variables
    [coupon] = member_coupons(client, unboxing_shop)
    assert coupon["status"] == "active"


def test_a_code_taken_by_our_own_lost_attempt_counts_as_created(deliver, app, client, shopify, unboxing_shop):
    # Shopify created the code, but every answer was lost: the coupon stays pending.
    shopify.unavailable("SetiaDiscountCreate", 5)
    deliver("orders/paid", fake30())
    [pending] = stored_coupons(app)
    assert (pending.status, pending.attempts) == ("pending", 1)
    assert "try again later" in pending.last_error

    periodic.flush_outbox()  # not due yet: nothing is sent again
    drain()
    assert len(shopify.calls_of("SetiaDiscountCreate")) == 5

    taken = {"field": ["basicCodeDiscount", "code"], "code": "TAKEN", "message": "Code must be unique."}
    shopify.answer(
        "SetiaDiscountCreate", {"discountCodeBasicCreate": {"codeDiscountNode": None, "userErrors": [taken]}}
    )
    shopify.answer(
        "SetiaDiscountByCode",
        lambda variables: {
            "codeDiscountNodeByCode": {
                "id": "gid://shopify/DiscountCodeNode/777",
                "codeDiscount": {"__typename": "DiscountCodeBasic", "title": f"Setia unboxing {variables['code']}"},
            }
        },
    )
    make_due_for_retry(app)
    periodic.flush_outbox()
    drain()
    [lookup] = shopify.calls_of("SetiaDiscountByCode")
    assert lookup.variables == {"code": pending.code}
    [coupon] = member_coupons(client, unboxing_shop)
    assert (coupon["status"], coupon["platform_id"]) == ("active", "gid://shopify/DiscountCodeNode/777")


def test_a_code_taken_by_another_discount_fails(deliver, app, shopify, unboxing_shop):
    taken = {"field": ["basicCodeDiscount", "code"], "code": "TAKEN", "message": "Code must be unique."}
    shopify.answer(
        "SetiaDiscountCreate", {"discountCodeBasicCreate": {"codeDiscountNode": None, "userErrors": [taken]}}
    )
    shopify.answer(
        "SetiaDiscountByCode",
        {
            "codeDiscountNodeByCode": {
                "id": "gid://shopify/DiscountCodeNode/9",
                "codeDiscount": {"__typename": "DiscountCodeBasic", "title": "Summer"},
            }
        },
    )
    deliver("orders/paid", fake30())
    [coupon] = stored_coupons(app)
    assert coupon.status == "failed" and "TAKEN" in coupon.last_error


def test_a_refusal_marks_the_coupon_failed_with_the_reason(deliver, client, shopify, unboxing_shop):
    error = {
        "field": ["basicCodeDiscount", "endsAt"],
        "code": "INVALID",
        "message": "Ends at needs to be after starts_at",
    }
    shopify.answer(
        "SetiaDiscountCreate", {"discountCodeBasicCreate": {"codeDiscountNode": None, "userErrors": [error]}}
    )
    deliver("orders/paid", fake30())
    [coupon] = member_coupons(client, unboxing_shop)
    assert coupon["status"] == "failed"
    assert "Ends at needs to be after starts_at" in coupon["last_error"]
    periodic.flush_outbox()  # a refusal is final: never sent again
    drain()
    assert len(shopify.calls_of("SetiaDiscountCreate")) == 1


def test_coupons_of_an_unknown_member_is_404(client, unboxing_shop):
    headers = {"Authorization": f"Bearer {unboxing_shop['api_key']}"}
    response = client.get("/api/v1/members/999999/coupons", headers=headers)
    assert response.status_code == 404 and response.json["error"]


def test_the_codes_of_a_shop_setia_cannot_reach_stay_pending_and_are_not_tried_every_minute(
    deliver, app, shopify, unboxing_shop
):
    """A shop without an access token (the `make run` demo shop) cannot have its codes made: the
    periodic retry leaves them alone until the shop is connected again."""
    from integrator.loyalty.models import Shop

    shopify.answer("SetiaDiscountCreate", CREATED)
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Shop).values(access_token_enc=None))
    deliver("orders/paid", fake30())
    [coupon] = stored_coupons(app)
    assert coupon.status == "pending"
    make_due_for_retry(app)
    assert periodic.flush_outbox() == 0
    drain()
    assert shopify.calls_of("SetiaDiscountCreate") == []

    with app.extensions["setia_db"].session() as session:  # connected again: the code is made
        session.execute(update(Shop).values(access_token_enc=app.extensions["setia_box"].encrypt("shpat_test")))
    app.extensions["setia_shop_secrets"].forget()
    assert periodic.flush_outbox() == 1
    drain()
    assert len(shopify.calls_of("SetiaDiscountCreate")) == 1
    assert [c.status for c in stored_coupons(app)] == ["active"]

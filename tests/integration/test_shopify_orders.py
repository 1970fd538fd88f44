"""Shopify order webhooks become points and cashback exactly once, whatever arrives in what order."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from integrator import periodic
from integrator.loyalty import orders
from integrator.loyalty.models import Member, WebhookEvent, utcnow
from tests.conftest import REDIS_URL, drain
from tests.deliveries import OTHER_DOMAIN, SHOP_DOMAIN, fake30, fixture, money_set, sign, with_changes

pytestmark = pytest.mark.usefixtures("ledger_checked")

CUSTOMER = "1073339475"


def refund_of(order: dict[str, Any], refund_id: int, amount: str) -> dict[str, Any]:
    """A refunds/create body (the real sample) for `order`, giving back `amount` of its subtotal."""
    refund = fixture("refunds_create__generic_sample")
    line = refund["refund_line_items"][0]
    line["subtotal"], line["subtotal_set"] = float(amount), money_set(amount)
    refund.update(id=refund_id, order_id=order["id"], refund_line_items=[line])
    return refund


def balances(api) -> tuple[int, str]:
    member = api.member(CUSTOMER)
    assert member is not None
    return member["points_available"], member["cashback_available"]


def events_stored(app) -> list[WebhookEvent]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(WebhookEvent).order_by(WebhookEvent.id)).scalars())


def test_fake30_order_at_rate_1_earns_181_points_and_2_percent_cashback(deliver, api):
    response = deliver("orders/paid", fake30())
    assert response.status_code == 200
    member = api.member(CUSTOMER)
    assert member["points_available"] == 181 and member["lifetime_points"] == 181
    assert member["cashback_available"] == "3.62" and member["currency"] == "USD"
    assert member["email"] == "jane@example.com"


def test_duplicate_delivery_awards_once(deliver, api, app):
    first = deliver("orders/paid", fake30(), webhook_id="same-id")
    again = deliver("orders/paid", fake30(), webhook_id="same-id")
    assert first.status_code == again.status_code == 200
    assert again.json["duplicate"] is True
    assert balances(api) == (181, "3.62")
    assert len(events_stored(app)) == 1


def test_same_event_id_in_a_new_delivery_awards_once(deliver, api, app):
    deliver("orders/paid", fake30(), event_id="evt-1")
    deliver("orders/paid", fake30(), event_id="evt-1")
    assert balances(api) == (181, "3.62")
    assert len(events_stored(app)) == 1


def test_create_paid_and_updated_of_one_order_earn_once(deliver, api):
    for topic in ("orders/create", "orders/paid", "orders/updated", "orders/updated"):
        deliver(topic, fake30())
    assert balances(api) == (181, "3.62")


def test_an_older_snapshot_arriving_late_changes_nothing(deliver, api):
    cancelled = with_changes(fake30(), cancelled_at="2025-04-03T09:00:00-05:00", updated_at="2025-04-03T09:00:00-05:00")
    deliver("orders/cancelled", cancelled)
    deliver("orders/paid", fake30())  # older updated_at: ignored
    assert balances(api) == (0, "0.00")


def test_unpaid_order_earns_when_it_is_paid(deliver, api):
    pending = with_changes(fake30(), financial_status="pending", updated_at="2025-04-02T11:00:00-05:00")
    deliver("orders/create", pending)
    assert api.member(CUSTOMER)["points_available"] == 0  # enrolled, nothing earned yet (e.g. COD)
    deliver("orders/paid", fake30())
    assert balances(api) == (181, "3.62")


def test_partial_refund_takes_back_in_proportion(deliver, api):
    order = fake30()
    deliver("orders/paid", order)
    deliver("refunds/create", refund_of(order, 111, "50.00"))
    assert balances(api) == (131, "2.62")
    deliver("refunds/create", refund_of(order, 111, "50.00"))  # same refund again
    assert balances(api) == (131, "2.62")


def test_refund_then_updated_order_reflecting_it_takes_back_once(deliver, api):
    order = fake30()
    deliver("orders/paid", order)
    deliver("refunds/create", refund_of(order, 111, "50.00"))
    updated = with_changes(
        order,
        financial_status="partially_refunded",
        current_subtotal_price_set=money_set("131.09"),
        refunds=[{"id": 111}],
        updated_at="2025-04-03T10:00:00-05:00",
    )
    deliver("orders/updated", updated)
    assert balances(api) == (131, "2.62")


def test_refund_arriving_before_its_order_converges(deliver, api):
    order = fake30()
    deliver("refunds/create", refund_of(order, 111, "81.09"))
    deliver("orders/paid", order)
    assert balances(api) == (100, "2.00")


def test_full_refund_brings_the_orders_points_to_zero(deliver, api):
    order = fake30()
    deliver("orders/paid", order)
    deliver("refunds/create", refund_of(order, 111, "181.09"))
    assert balances(api) == (0, "0.00")
    refunded = with_changes(
        order,
        financial_status="refunded",
        current_subtotal_price_set=money_set("0.00"),
        refunds=[{"id": 111}],
        updated_at="2025-04-04T10:00:00-05:00",
    )
    deliver("orders/updated", refunded)
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["points_owed"], member["lifetime_points"]) == (0, 0, 0)


def test_cancellation_brings_the_orders_points_to_zero(deliver, api):
    deliver("orders/paid", fake30())
    cancelled = with_changes(
        fake30(),
        cancelled_at="2025-04-03T09:00:00-05:00",
        financial_status="voided",
        updated_at="2025-04-03T09:00:00-05:00",
    )
    deliver("orders/cancelled", cancelled)
    assert balances(api) == (0, "0.00")


def test_real_tenoff_refund_snapshots_converge_in_either_order(deliver, api):
    partial = fixture("orders_paid__partially_refunded_discount_TENOFF")
    refunded = fixture("orders_paid__refunded_discount_TENOFF")
    deliver("orders/updated", refunded)
    deliver("orders/updated", partial)  # older (2008): ignored
    member = api.member(partial["customer"]["id"])
    assert member["points_available"] == 0


def test_takeback_beyond_the_balance_is_owed_and_settled_from_the_next_earnings(deliver, api, shop):
    deliver("orders/paid", fake30())
    member = api.member(CUSTOMER)
    spent = api.post(
        f"/members/{member['id']}/adjustments",
        {"points": -150, "reason": "redeemed in store", "idempotency_key": "spend-1"},
    )
    assert spent.status_code == 201
    deliver(
        "orders/cancelled",
        with_changes(fake30(), cancelled_at="2025-04-03T09:00:00-05:00", updated_at="2025-04-03T09:00:00-05:00"),
    )
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["points_owed"]) == (0, 150)
    second = with_changes(fake30(), id=555, current_subtotal_price_set=money_set("100.00"))
    deliver("orders/paid", second)
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["points_owed"]) == (0, 50)


def test_refund_is_taken_back_at_the_rate_the_order_earned_with(deliver, api):
    order = fake30()
    deliver("orders/paid", order)
    assert api.patch("/settings", {"points_per_unit": "10", "cashback_percent": "5"}).status_code == 200
    deliver("refunds/create", refund_of(order, 111, "50.00"))
    assert balances(api) == (131, "2.62")


def test_bad_or_missing_hmac_is_refused_and_nothing_is_stored(client, app, shop):
    body = json.dumps(fake30()).encode()
    base = {
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Shop-Domain": shop["domain"],
        "X-Shopify-Webhook-Id": "w-1",
        "Content-Type": "application/json",
    }
    for hmac_header in (sign(body, "wrong-secret"), "", "not base64!", sign(body + b" ")):
        response = client.post("/webhooks/shopify", data=body, headers={**base, "X-Shopify-Hmac-Sha256": hmac_header})
        assert response.status_code == 401 and response.json["error"]
    assert client.post("/webhooks/shopify", data=body, headers=base).status_code == 401
    assert events_stored(app) == []


def test_delivery_for_a_shop_that_is_not_connected_is_stored_as_ignored(deliver, app, shop):
    response = deliver("orders/paid", fake30(), domain=OTHER_DOMAIN)
    assert response.status_code == 200
    [event] = events_stored(app)
    assert (event.status, event.shop_key) == ("ignored", OTHER_DOMAIN)
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(func.count(Member.id))).scalar_one() == 0


def test_body_that_is_not_json_is_recorded_as_failed_and_does_not_block_later_deliveries(deliver, app, api):
    response = deliver("orders/paid", b"{not json")
    assert response.status_code == 200
    deliver("orders/paid", fake30())
    failed, processed = events_stored(app)
    assert failed.status == "failed" and "not valid JSON" in failed.last_error
    assert processed.status == "processed"
    assert balances(api) == (181, "3.62")


def test_an_amount_in_other_digits_is_a_final_failure_not_an_amount(deliver, app, api):
    """Decimal() reads "١٨١.٠٩" (Arabic-Indic digits) and "181_09"; no platform writes them."""
    for amount in ("\u0661\u0668\u0661.\u0660\u0669", "181_09", " 181.09"):
        money = {"shop_money": {"amount": amount, "currency_code": "USD"}}
        deliver("orders/paid", with_changes(fake30(), current_subtotal_price_set=money, current_subtotal_price=amount))
    events = events_stored(app)
    assert [event.status for event in events] == ["failed"] * 3
    assert all("current_subtotal_price_set: not a plain decimal number" in event.last_error for event in events)
    assert api.member(CUSTOMER) is None


def test_test_orders_earn_only_when_the_merchant_enables_it(deliver, api):
    deliver("orders/paid", with_changes(fake30(), test=True))
    assert api.member(CUSTOMER)["points_available"] == 0
    api.patch("/settings", {"award_test_orders": True})
    deliver("orders/updated", with_changes(fake30(), test=True, updated_at="2025-04-03T10:00:00-05:00"))
    assert balances(api) == (181, "3.62")


def test_generic_shopify_sample_earns_nothing(deliver, api):
    deliver("orders/paid", fixture("orders_paid__generic_sample"))
    member = api.get("/members").json["items"]
    assert all(m["points_available"] == 0 for m in member)


def test_guest_order_without_a_customer_earns_nothing_and_enrols_no_one(deliver, api):
    deliver("orders/paid", fixture("orders_paid__paid_guest_no_customer"))
    assert api.get("/members").json["items"] == []


def test_customer_update_refreshes_a_member_but_never_enrols(deliver, api):
    customer = fixture("customers_update__generic_sample")
    deliver("customers/update", customer)
    assert api.get("/members").json["items"] == []
    deliver("orders/paid", fake30())
    deliver("customers/update", with_changes(customer, id=int(CUSTOMER), email="jane.new@example.com"))
    assert api.member(CUSTOMER)["email"] == "jane.new@example.com"


@pytest.mark.usefixtures("on_several_dates")  # 14 days on from any date
def test_pending_points_vest_after_pending_days(deliver, api, app):
    api.patch("/settings", {"pending_days": 14})
    deliver("orders/paid", fake30())  # paid 2025: already past its 14 days, vests at once
    assert api.member(CUSTOMER)["points_available"] == 181
    recent = with_changes(fake30(), id=777, processed_at=utcnow().isoformat(), updated_at=utcnow().isoformat())
    deliver("orders/paid", recent)
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["points_pending"], member["cashback_pending"]) == (181, 181, "3.62")
    assert periodic.vest() == 0  # not yet
    with app.extensions["setia_db"].session() as session:
        assert orders.vest_due(session, now=utcnow() + timedelta(days=15)) == 1
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["points_pending"]) == (362, 0)


def test_cancelling_before_vesting_takes_back_pending_first(deliver, api):
    api.patch("/settings", {"pending_days": 14})
    now = utcnow().isoformat()
    deliver("orders/paid", with_changes(fake30(), processed_at=now, updated_at=now))
    later = (utcnow() + timedelta(minutes=1)).isoformat()
    deliver("orders/cancelled", with_changes(fake30(), cancelled_at=later, updated_at=later))
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["points_pending"], member["points_owed"]) == (0, 0, 0)


def test_uninstalled_shop_stops_earning(deliver, api):
    deliver("app/uninstalled", fixture("app_uninstalled__generic_sample"))
    deliver("orders/paid", fake30())
    assert api.get("/members").json["items"] == []


def test_delivery_is_stored_and_acknowledged_then_processed(deliver, app, shop):
    response = deliver("orders/paid", fake30(), process=False)
    assert response.status_code == 200
    [event] = events_stored(app)
    # With Redis the request only stores and enqueues; inline mode has processed it already.
    assert event.status == ("received" if REDIS_URL else "processed")
    assert event.body == json.dumps(fake30()).encode() and event.topic == "orders/paid"
    drain()
    [event] = events_stored(app)
    assert event.status == "processed"


def test_delivery_for_a_shop_erased_by_another_process_is_ignored_not_an_error(deliver, app, shop):
    deliver("orders/paid", fake30())  # this process now caches the shop
    with app.extensions["setia_db"].engine.begin() as conn:  # shop/redact done by another process
        conn.execute(text("DELETE FROM shops"))
    response = deliver("orders/paid", with_changes(fake30(), id=42))
    assert response.status_code == 200
    [event] = events_stored(app)
    assert (event.status, event.shop_id, event.shop_key) == ("ignored", None, SHOP_DOMAIN)

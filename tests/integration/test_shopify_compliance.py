"""Compliance and lifecycle webhooks with Shopify's own payloads: data requests give the merchant an
export, customers/redact anonymises (amounts stay), shop/redact erases the shop; after
app/uninstalled only compliance topics are processed, and a reinstall brings the shop back."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from integrator import jobs, periodic
from integrator.loyalty.models import (
    Coupon,
    DataRequest,
    LedgerEntry,
    Member,
    Order,
    Shop,
    WebhookEvent,
    utcnow,
)
from integrator.loyalty.shops import connect_shop
from tests.conftest import drain
from tests.deliveries import SHOP_DOMAIN, fake30, fixture, sign

pytestmark = pytest.mark.usefixtures("ledger_checked")

CUSTOMER = "1073339475"
ORDER = 1073459981
COMPLIANCE = ("customers/data_request", "customers/redact", "shop/redact")


def compliance(topic: str, **changes: Any) -> dict[str, Any]:
    """Shopify's sample body for `topic`, for the test shop (the sample says "{shop}.myshopify.com")."""
    payload = fixture(f"{topic.replace('/', '_')}__sample")
    payload["shop_domain"] = SHOP_DOMAIN
    payload.update(changes)
    return payload


def jane(**changes: Any) -> dict[str, Any]:
    """The compliance samples' customer replaced by the FAKE30 order's customer."""
    return {"customer": {"id": int(CUSTOMER), "email": "jane@example.com", "phone": "555-625-1199"}, **changes}


def events(app, topic: str | None = None) -> list[WebhookEvent]:
    with app.extensions["setia_db"].session() as session:
        query = select(WebhookEvent).order_by(WebhookEvent.id)
        if topic:
            query = query.where(WebhookEvent.topic == topic)
        return list(session.execute(query).scalars())


def count(app, model: Any) -> int:
    with app.extensions["setia_db"].session() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_data_request_gives_the_merchant_the_shoppers_export(deliver, api):
    deliver("orders/paid", fake30())
    body = compliance("customers/data_request", **jane(orders_requested=[ORDER]))
    assert deliver("customers/data_request", body).status_code == 200

    [listed] = api.get("/data-requests").json["items"]
    assert (listed["kind"], listed["status"]) == ("data_request", "completed")
    assert (listed["platform_customer_id"], listed["platform_request_id"]) == (CUSTOMER, "9999")
    assert "export" not in listed
    export = api.get(f"/data-requests/{listed['id']}").json["export"]
    assert export["member"]["email"] == "jane@example.com"
    assert export["member"]["points_available"] == 181 and export["member"]["cashback_available"] == "3.62"
    assert sorted((e["account"], e["amount"]) for e in export["ledger"]) == [("cashback", "3.62"), ("points", 181)]
    assert [o["platform_order_id"] for o in export["orders"]] == [str(ORDER)]
    assert export["coupons"] == [] and export["store_credit_transfers"] == []


def test_data_request_for_a_shopper_setia_does_not_know_is_recorded_empty(deliver, api):
    deliver("customers/data_request", compliance("customers/data_request"))  # the sample as it is
    [listed] = api.get("/data-requests").json["items"]
    assert listed["platform_customer_id"] == "191167" and listed["member_id"] is None
    export = api.get(f"/data-requests/{listed['id']}").json["export"]
    assert export["member"] is None and export["orders"] == [] and export["ledger"] == []


def test_a_compliance_body_for_another_shop_is_refused(deliver, app, shop):
    deliver("customers/data_request", fixture("customers_data_request__sample"))  # "{shop}.myshopify.com"
    [event] = events(app, "customers/data_request")
    assert event.status == "failed" and "{shop}.myshopify.com" in event.last_error
    assert count(app, DataRequest) == 0


def test_data_requests_of_another_shop_are_not_visible(deliver, api, shops, client):
    deliver("customers/data_request", compliance("customers/data_request"))
    [listed] = api.get("/data-requests").json["items"]
    other = shops.make(domain="other-shop.myshopify.com")
    headers = {"Authorization": f"Bearer {other['api_key']}"}
    assert client.get("/api/v1/data-requests", headers=headers).json["items"] == []
    assert client.get(f"/api/v1/data-requests/{listed['id']}", headers=headers).status_code == 404


def test_customer_redact_anonymises_the_member_and_keeps_the_amounts(deliver, api, app):
    deliver("orders/paid", fake30())
    deliver("customers/data_request", compliance("customers/data_request", **jane()))
    deliver("customers/redact", compliance("customers/redact", **jane(orders_to_redact=[ORDER])))

    with app.extensions["setia_db"].session() as session:
        [member] = session.execute(select(Member)).scalars().all()
        assert (member.email, member.email_key, member.first_name, member.last_name) == (None, None, None, None)
        assert member.erased_at is not None and member.platform_customer_id != CUSTOMER
        assert (member.points_available, member.cashback_available, member.lifetime_points) == (181, 362, 181)
    assert count(app, LedgerEntry) == 2
    assert api.get("/members", query_string={"email": "jane@example.com"}).json["items"] == []

    requests = api.get("/data-requests").json["items"]
    assert [r["kind"] for r in requests] == ["customer_redact", "data_request"]
    assert api.get(f"/data-requests/{requests[1]['id']}").json["export"] is None  # the old export is gone
    for event in events(app):  # no stored delivery still names her
        assert b"jane@example.com" not in event.body, event.topic

    deliver("orders/updated", fake30())  # her order again: the member stays anonymous
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(Member.email)).scalars().all() == [None]


def test_shop_redact_after_uninstall_erases_everything_the_shop_had(deliver, api, app, client, shop):
    deliver("orders/paid", fake30())
    deliver("customers/data_request", compliance("customers/data_request", **jane()))
    deliver("app/uninstalled", fixture("app_uninstalled__generic_sample"))
    assert deliver("shop/redact", compliance("shop/redact")).status_code == 200

    for model in (Shop, Member, LedgerEntry, Order, DataRequest, Coupon):
        assert count(app, model) == 0, model.__name__
    [record] = events(app)  # only the shop/redact delivery stays: the record that it was done
    assert (record.topic, record.status, record.shop_id, record.shop_key) == (
        "shop/redact",
        "processed",
        None,
        SHOP_DOMAIN,
    )
    assert api.get("/members").status_code == 401  # its API keys went too


def test_shop_redact_for_an_installed_shop_erases_nothing(deliver, app, api):
    deliver("orders/paid", fake30())
    deliver("shop/redact", compliance("shop/redact"))
    [event] = events(app, "shop/redact")
    assert event.status == "failed" and "installed" in event.last_error
    assert api.member(CUSTOMER)["points_available"] == 181


def test_uninstall_drops_the_tokens_and_ignores_later_deliveries_but_not_compliance(deliver, api, app, shop):
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Shop).values(refresh_token_enc=b"refresh", refresh_token_expires_at=utcnow()))
    deliver("app/uninstalled", fixture("app_uninstalled__generic_sample"))
    with app.extensions["setia_db"].session() as session:
        row = session.get(Shop, shop["id"])
        assert row.uninstalled_at is not None
        assert (row.access_token_enc, row.refresh_token_enc, row.refresh_token_expires_at) == (None, None, None)

    deliver("orders/paid", fake30())
    [order_event] = events(app, "orders/paid")
    assert order_event.status == "ignored" and api.member(CUSTOMER) is None

    deliver("customers/data_request", compliance("customers/data_request"))
    deliver("customers/redact", compliance("customers/redact"))
    assert [e.status for e in events(app) if e.topic in COMPLIANCE] == ["processed", "processed"]
    assert count(app, DataRequest) == 2


def test_reinstall_brings_the_shop_back(deliver, api, app, shop):
    deliver("app/uninstalled", fixture("app_uninstalled__generic_sample"))
    with app.extensions["setia_db"].session() as session:
        again, created = connect_shop(
            session, app.extensions["setia_box"], "shopify", SHOP_DOMAIN, "shpat_new", None, "custom_app"
        )
        assert not created and again.id == shop["id"]
    deliver("orders/paid", fake30())
    assert api.member(CUSTOMER)["points_available"] == 181


def test_an_uninstalled_shops_coupons_wait_and_no_call_is_made(deliver, app, shops, shopify):
    settings = {"unboxing": {"enabled": True, "discount_percent": "10", "expires_days": 30}}
    shops.make(settings=settings)
    shopify.unavailable("SetiaDiscountCreate", 5)
    deliver("orders/paid", fake30())
    deliver("app/uninstalled", fixture("app_uninstalled__generic_sample"))
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Coupon).values(created_at=utcnow() - timedelta(hours=1)))
    assert periodic.flush_outbox() == 0
    drain()
    assert len(shopify.calls_of("SetiaDiscountCreate")) == 5
    assert jobs.push_coupon(1) == "skipped"


@pytest.mark.parametrize("topic", [*COMPLIANCE, "app/uninstalled"])
def test_a_bad_or_missing_hmac_is_refused_and_nothing_is_stored(client, app, shop, topic):
    body = json.dumps(compliance(topic) if topic in COMPLIANCE else fixture("app_uninstalled__generic_sample")).encode()
    headers = {"X-Shopify-Topic": topic, "X-Shopify-Shop-Domain": SHOP_DOMAIN, "X-Shopify-Webhook-Id": "w-1"}
    for signature in (sign(body, "wrong-secret"), sign(body + b" "), None):
        sent = {**headers, "X-Shopify-Hmac-Sha256": signature} if signature else headers
        response = client.post("/webhooks/shopify", data=body, headers=sent)
        assert response.status_code == 401 and response.json["error"]
    assert events(app) == []

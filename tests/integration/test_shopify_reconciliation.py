"""Reconciliation pulls orders updated since the last run through the Admin GraphQL API: a missed
delivery earns once (a later webhook for it changes nothing), and custom-app shops get their
missing webhook subscriptions back (OAuth shops never)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from connectors.base import PlatformError
from connectors.shopify.webhooks import SUBSCRIBED_TOPICS
from integrator import jobs, periodic
from integrator.loyalty.models import Shop, utcnow
from integrator.loyalty.shops import connect_shop
from tests.conftest import drain
from tests.deliveries import SHOP_DOMAIN, fake30

pytestmark = pytest.mark.usefixtures("ledger_checked")

CUSTOMER = "1073339475"
CALLBACK = "https://setia.test/webhooks/shopify"
DISCOUNT_CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/1"}, "userErrors": []}
}


def money(amount: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": "USD"}}


def fake30_node(**changes: Any) -> dict[str, Any]:
    """Order 1073459981 (the FAKE30 webhook sample) as the Admin GraphQL API gives it."""
    node = {
        "id": "gid://shopify/Order/1073459981",
        "name": "#1002",
        "email": "jane@example.com",
        "updatedAt": "2025-04-02T16:31:38Z",
        "processedAt": "2025-04-02T16:31:38Z",
        "cancelledAt": None,
        "displayFinancialStatus": "PAID",
        "test": False,
        "taxesIncluded": False,
        "currentSubtotalPriceSet": money("181.09"),
        "currentTotalTaxSet": money("11.94"),
        "shippingLines": {"nodes": []},
        "customer": {
            "id": f"gid://shopify/Customer/{CUSTOMER}",
            "firstName": "Jane",
            "lastName": "Smith",
            "defaultEmailAddress": {"emailAddress": "jane@example.com"},
        },
        "refunds": [],
        "discountCodes": [],
    }
    node.update(changes)
    return node


def orders_page(nodes: list[dict[str, Any]], cursor: str | None = None) -> dict[str, Any]:
    return {"orders": {"nodes": nodes, "pageInfo": {"hasNextPage": cursor is not None, "endCursor": cursor}}}


def subscriptions(topics: list[str]) -> dict[str, Any]:
    nodes = [
        {"id": f"gid://shopify/WebhookSubscription/{i}", "topic": t.replace("/", "_").upper(), "uri": CALLBACK}
        for i, t in enumerate(topics)
    ]
    return {"webhookSubscriptions": {"nodes": nodes, "pageInfo": {"hasNextPage": False, "endCursor": None}}}


def shop_row(app, shop_id: int) -> Shop:
    with app.extensions["setia_db"].session() as session:
        return session.execute(select(Shop).where(Shop.id == shop_id)).scalar_one()


def since_of(call) -> datetime:
    text = call.variables["query"].removeprefix("updated_at:>='").removesuffix("'")
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_missed_order_earns_once_and_a_later_webhook_changes_nothing(deliver, api, shop, app, shopify):
    shopify.answer("SetiaOrders", orders_page([fake30_node()]))
    shopify.answer("SetiaWebhooks", subscriptions(SUBSCRIBED_TOPICS), always=True)
    started = utcnow()
    assert jobs.reconcile_shop(shop["id"]) == 1

    [pull] = shopify.calls_of("SetiaOrders")
    assert "orders(first: 25, after: $after, query: $query, sortKey: UPDATED_AT)" in pull.query
    assert pull.variables["after"] is None
    created_at = shop_row(app, shop["id"]).created_at
    assert since_of(pull) == created_at.replace(microsecond=0)  # the first run starts at the install
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["cashback_available"], member["email"]) == (
        181,
        "3.62",
        "jane@example.com",
    )
    reconciled_at = shop_row(app, shop["id"]).reconciled_at
    assert started - timedelta(minutes=6) < reconciled_at < started

    deliver("orders/paid", fake30())  # the webhook arrives after all
    shopify.answer("SetiaOrders", orders_page([fake30_node()]))
    jobs.reconcile_shop(shop["id"])  # and the next run sees the order again
    member = api.member(CUSTOMER)
    assert (member["points_available"], member["cashback_available"]) == (181, "3.62")
    second = shopify.calls_of("SetiaOrders")[1]
    assert since_of(second) == reconciled_at.replace(microsecond=0)


def test_pages_are_followed_with_the_cursor(api, shop, shopify):
    other = fake30_node(id="gid://shopify/Order/2001", currentSubtotalPriceSet=money("50.00"))
    shopify.answer("SetiaOrders", orders_page([fake30_node()], cursor="cursor-1"))
    shopify.answer("SetiaOrders", orders_page([other]))
    shopify.answer("SetiaWebhooks", subscriptions(SUBSCRIBED_TOPICS), always=True)
    assert jobs.reconcile_shop(shop["id"]) == 2
    first, second = shopify.calls_of("SetiaOrders")
    assert (first.variables["after"], second.variables["after"]) == (None, "cursor-1")
    assert api.member(CUSTOMER)["points_available"] == 231


def test_a_cancelled_order_found_by_reconciliation_takes_back(deliver, api, shop, shopify):
    deliver("orders/paid", fake30())
    cancelled = fake30_node(
        updatedAt="2025-04-03T10:00:00Z", cancelledAt="2025-04-03T10:00:00Z", displayFinancialStatus="VOIDED"
    )
    shopify.answer("SetiaOrders", orders_page([cancelled]))
    shopify.answer("SetiaWebhooks", subscriptions(SUBSCRIBED_TOPICS), always=True)
    jobs.reconcile_shop(shop["id"])
    assert api.member(CUSTOMER)["points_available"] == 0


def test_a_missed_paid_order_gets_its_unboxing_coupon_once(deliver, shops, shopify):
    settings = {"unboxing": {"enabled": True, "discount_percent": "10", "expires_days": 30}}
    made = shops.make(settings=settings)
    shopify.answer("SetiaOrders", orders_page([fake30_node()]))
    shopify.answer("SetiaWebhooks", subscriptions(SUBSCRIBED_TOPICS), always=True)
    shopify.answer("SetiaDiscountCreate", DISCOUNT_CREATED)
    jobs.reconcile_shop(made["id"])
    drain()
    deliver("orders/paid", fake30())
    [call] = shopify.calls_of("SetiaDiscountCreate")
    assert call.variables["basicCodeDiscount"]["context"] == {
        "customers": {"add": [f"gid://shopify/Customer/{CUSTOMER}"]}
    }


def test_missing_subscriptions_of_a_custom_app_shop_are_registered_again(shop, shopify):
    present = [t for t in SUBSCRIBED_TOPICS if t not in ("orders/paid", "refunds/create")]
    shopify.answer("SetiaOrders", orders_page([]))
    shopify.answer("SetiaWebhooks", subscriptions(present))
    for topic in ("ORDERS_PAID", "REFUNDS_CREATE"):
        node = {"id": f"gid://shopify/WebhookSubscription/{topic}", "topic": topic, "uri": CALLBACK}
        shopify.answer(
            "SetiaWebhookCreate", {"webhookSubscriptionCreate": {"webhookSubscription": node, "userErrors": []}}
        )
    jobs.reconcile_shop(shop["id"])
    created = [call.variables for call in shopify.calls_of("SetiaWebhookCreate")]
    assert created == [
        {"topic": "ORDERS_PAID", "webhookSubscription": {"uri": CALLBACK, "format": "JSON"}},
        {"topic": "REFUNDS_CREATE", "webhookSubscription": {"uri": CALLBACK, "format": "JSON"}},
    ]


def test_an_oauth_shop_never_registers_webhooks(app, shopify):
    with app.extensions["setia_db"].session() as session:
        oauth, _ = connect_shop(
            session, app.extensions["setia_box"], "shopify", SHOP_DOMAIN, "shpat_test", None, "oauth"
        )
        shop_id = oauth.id
    shopify.answer("SetiaOrders", orders_page([fake30_node()]))
    assert jobs.reconcile_shop(shop_id) == 1
    assert shopify.calls_of("SetiaWebhooks") == [] and shopify.calls_of("SetiaWebhookCreate") == []


def test_the_periodic_job_reconciles_installed_shops_only(deliver, shop, app, shopify):
    shopify.answer("SetiaOrders", orders_page([]))
    shopify.answer("SetiaWebhooks", subscriptions(SUBSCRIBED_TOPICS))
    assert periodic.reconcile_shops() == 1
    drain()
    assert len(shopify.calls_of("SetiaOrders")) == 1

    deliver("app/uninstalled", {"id": 548380009, "myshopify_domain": SHOP_DOMAIN})
    assert periodic.reconcile_shops() == 0
    drain()
    assert len(shopify.calls_of("SetiaOrders")) == 1


def test_a_refused_pull_leaves_the_window_where_it_was(shop, app, shopify):
    earlier = utcnow() - timedelta(hours=3)
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Shop).values(reconciled_at=earlier))
    shopify.revoke("read_orders")
    shopify.revoke("write_orders")  # which includes read_orders
    with pytest.raises(PlatformError):
        jobs.reconcile_shop(shop["id"])
    assert shop_row(app, shop["id"]).reconciled_at == earlier

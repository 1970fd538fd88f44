"""Reconciliation reads orders from the Admin GraphQL API: the same order must map to the same
neutral Order as its webhook body. Compliance bodies map to a PrivacyRequest."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from connectors.base import Buyer, Customer, PayloadError
from connectors.shopify.mapping import graphql_to_order, to_order, to_privacy_request
from tests.deliveries import fake30, fixture, money_set, with_changes


def money(amount: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": "USD"}}


def node_of(order: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The GraphQL node Shopify gives for the REST order `order` (fields reconciliation asks for)."""
    customer = order["customer"]
    node = {
        "id": f"gid://shopify/Order/{order['id']}",
        "name": order["name"],
        "email": order["email"],
        "updatedAt": order["updated_at"],
        "processedAt": order["processed_at"],
        "cancelledAt": order["cancelled_at"],
        "displayFinancialStatus": order["financial_status"].upper(),
        "test": order["test"],
        "taxesIncluded": order["taxes_included"],
        "currentSubtotalPriceSet": money(order["current_subtotal_price"]),
        "currentTotalTaxSet": money(order["current_total_tax"]),
        "shippingLines": {"nodes": []},
        "customer": {
            "id": f"gid://shopify/Customer/{customer['id']}",
            "firstName": customer["first_name"],
            "lastName": customer["last_name"],
            "defaultEmailAddress": {"emailAddress": customer["email"]},
        },
        "refunds": [{"id": f"gid://shopify/Refund/{r['id']}"} for r in order.get("refunds") or []],
        "discountCodes": [entry["code"] for entry in order.get("discount_codes") or []],
    }
    node.update(changes)
    return node


def webhook_order(order: dict[str, Any]) -> Any:
    """What the webhook body maps to, but the products: the reconciliation query reads no line items
    (its cost budget), so an order first earning there meets no campaign limited to products."""
    return replace(to_order(order), product_ids=None)


def test_the_fake30_order_maps_the_same_from_graphql_and_from_its_webhook():
    order = fake30()
    pulled, delivered = graphql_to_order(node_of(order)), to_order(order)
    assert delivered.product_ids == ("921728736",)
    assert replace(pulled, buyer=None) == replace(webhook_order(order), buyer=None)
    # Reconciliation asks for no phone, address or IP: the buyer is the email and the customer's name.
    assert delivered.buyer is not None and delivered.buyer.phone == "+18885551234"
    assert pulled.buyer == Buyer(email="jane@example.com", first_name="John", last_name="Smith")


def test_tax_included_prices_lose_the_items_tax_but_not_the_shippings_either_way():
    order = with_changes(
        fake30(),
        taxes_included=True,
        current_total_tax="20.00",
        current_total_tax_set=money_set("20.00"),
        shipping_lines=[{"tax_lines": [{"price": "2.00", "price_set": money_set("2.00")}]}],
    )
    shipping = {"nodes": [{"taxLines": [{"priceSet": money("2.00")}]}]}
    node = node_of(order, taxesIncluded=True, currentTotalTaxSet=money("20.00"), shippingLines=shipping)
    mapped = graphql_to_order(node)
    assert replace(mapped, buyer=None) == replace(webhook_order(order), buyer=None)
    assert str(mapped.basis) == "163.09"


def test_a_cancelled_refunded_order_is_void_with_its_refund_ids():
    node = node_of(fake30(), cancelledAt="2025-04-03T10:00:00Z", refunds=[{"id": "gid://shopify/Refund/77"}])
    mapped = graphql_to_order(node)
    assert (mapped.status, mapped.refund_ids) == ("void", ("77",))


def test_a_guest_order_has_no_customer_and_a_bad_id_is_a_payload_error():
    assert graphql_to_order(node_of(fake30(), customer=None)).customer is None
    with pytest.raises(PayloadError):
        graphql_to_order(node_of(fake30(), id="Order/abc"))


def test_compliance_samples_map_to_privacy_requests():
    data_request = to_privacy_request(fixture("customers_data_request__sample"))
    assert data_request.shop_domain == "{shop}.myshopify.com"
    assert data_request.customer == Customer("191167", "john@example.com")
    assert (data_request.order_ids, data_request.request_id) == (("299938", "280263", "220458"), "9999")
    redact = to_privacy_request(fixture("customers_redact__sample"))
    assert redact.order_ids == ("299938", "280263", "220458") and redact.request_id is None
    shop_redact = to_privacy_request(fixture("shop_redact__sample"))
    assert shop_redact.customer is None and shop_redact.order_ids == ()

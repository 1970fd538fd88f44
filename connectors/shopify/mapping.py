"""Shopify REST-shaped payloads (webhook bodies) → neutral Order, Refund and Customer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.base import (
    Customer,
    Order,
    PayloadError,
    PrivacyRequest,
    Refund,
    bounded,
    line_product_ids,
    to_amount,
    to_key,
    to_text,
    to_time,
)
from connectors.shopify.buyer import buyer_of as _buyer

PAID = frozenset({"paid", "partially_refunded"})
VOID = frozenset({"refunded", "voided"})


def _money(payload: dict[str, Any], set_key: str, plain_key: str) -> Decimal:
    """The shop-currency amount: `<x>_set.shop_money.amount`, else the plain field."""
    money_set = payload.get(set_key)
    value: Any = None
    if isinstance(money_set, dict) and isinstance(money_set.get("shop_money"), dict):
        value = money_set["shop_money"].get("amount")
    if value is None:
        value = payload.get(plain_key)
    return to_amount(value, set_key)


def _time(value: Any, field: str) -> datetime | None:
    return to_time(value, field)


def _id(payload: dict[str, Any], field: str = "id") -> str:
    """An id as the columns hold it (64 characters), or a PayloadError."""
    return to_key(payload.get(field), field)


def _email(value: Any) -> str | None:
    return to_key(value.strip(), "email", 320) if isinstance(value, str) and value.strip() else None


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise PayloadError("payload is not a JSON object")
    return payload


def to_customer(payload: Any) -> Customer:
    payload = _object(payload)
    return Customer(
        platform_customer_id=_id(payload),
        email=_email(payload.get("email")),
        first_name=to_text(payload.get("first_name"), 255),
        last_name=to_text(payload.get("last_name"), 255),
        account=payload.get("state") == "enabled",
        marketing_subscribed=_subscribed(payload.get("email_marketing_consent")),
    )


def _subscribed(consent: Any) -> bool:
    """email_marketing_consent.state "subscribed" (not "pending" double opt-in, "not_subscribed"...)."""
    return isinstance(consent, dict) and consent.get("state") == "subscribed"


def _fulfilled_at(payload: dict[str, Any]) -> datetime | None:
    """Fully fulfilled (`fulfillment_status: fulfilled`): when its last fulfilment was made."""
    if payload.get("fulfillment_status") != "fulfilled":
        return None
    made = [
        _time(item.get("created_at"), "fulfillments[].created_at")
        for item in _objects(payload.get("fulfillments"), "fulfillments")
    ]
    times = [moment for moment in made if moment is not None]
    return max(times) if times else _time(payload.get("updated_at"), "updated_at")


def _status(payload: dict[str, Any]) -> str:
    if payload.get("cancelled_at"):
        return "void"
    financial = payload.get("financial_status")
    if financial in VOID:
        return "void"
    if financial in PAID:
        return "paid"
    return "unpaid"


def _basis(payload: dict[str, Any]) -> Decimal:
    """Subtotal after discounts without shipping; when prices include tax, less the items' tax."""
    subtotal = _money(payload, "current_subtotal_price_set", "current_subtotal_price")
    if payload.get("current_subtotal_price_set") is None and payload.get("current_subtotal_price") is None:
        subtotal = _money(payload, "subtotal_price_set", "subtotal_price")
    if payload.get("taxes_included"):
        tax = _money(payload, "current_total_tax_set", "current_total_tax")
        for line in _objects(payload.get("shipping_lines"), "shipping_lines"):
            for tax_line in _objects(line.get("tax_lines"), "shipping_lines[].tax_lines"):
                tax -= _money(tax_line, "price_set", "price")
        subtotal -= max(bounded(tax, "current_total_tax"), Decimal(0))
    return max(subtotal, Decimal(0))


def _objects(value: Any, field: str) -> list[dict[str, Any]]:
    items = value or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise PayloadError(f"{field}: not a list of objects")
    return items


def _currency(payload: dict[str, Any]) -> str:
    money_set = payload.get("current_subtotal_price_set")
    if isinstance(money_set, dict):
        code = (money_set.get("shop_money") or {}).get("currency_code")
        if _is_currency(code):
            return str(code).upper()
    code = payload.get("currency")
    return str(code).upper() if _is_currency(code) else "USD"


def _is_currency(code: Any) -> bool:
    return isinstance(code, str) and len(code) == 3 and code.isascii() and code.isalpha()


def to_order(payload: Any) -> Order:
    payload = _object(payload)
    customer_payload = payload.get("customer")
    customer = None
    if isinstance(customer_payload, dict) and customer_payload.get("id") is not None:
        # Inside an order the customer enrols, never as an account (no sign-up bonus from an order).
        customer = replace(to_customer(customer_payload), account=False, marketing_subscribed=False)
        if customer.email is None and _email(payload.get("email")):
            customer = Customer(
                customer.platform_customer_id, _email(payload["email"]), customer.first_name, customer.last_name
            )
    refunds = payload.get("refunds") or []
    status = _status(payload)
    return Order(
        platform_order_id=_id(payload),
        currency=_currency(payload),
        basis=_basis(payload),
        status=status,
        test=bool(payload.get("test")),
        name=to_text(str(payload.get("name") or ""), 64),
        customer=customer,
        updated_at=_time(payload.get("updated_at"), "updated_at"),
        paid_at=_time(payload.get("processed_at"), "processed_at") if status == "paid" else None,
        refund_ids=tuple(
            to_key(r["id"], "refunds[].id") for r in refunds if isinstance(r, dict) and r.get("id") is not None
        ),
        discount_codes=_discount_codes(payload.get("discount_codes")),
        fulfilled_at=_fulfilled_at(payload),
        buyer=_buyer(payload, customer),
        product_ids=line_product_ids(payload.get("line_items")),
    )


def _discount_codes(value: Any) -> tuple[str, ...] | None:
    """`discount_codes[].code` of a webhook body (a GraphQL order's `discountCodes` is rewritten to
    the same shape); None when the payload has no such list."""
    if not isinstance(value, list):
        return None
    codes = (entry.get("code") for entry in value if isinstance(entry, dict))
    return tuple(text.strip() for text in (to_text(code, 255) for code in codes) if text and text.strip())


def to_refund(payload: Any) -> Refund:
    """A refund gives back the subtotals of its refunded lines (after their discounts)."""
    payload = _object(payload)
    basis = Decimal(0)
    for line in payload.get("refund_line_items") or []:
        if isinstance(line, dict):
            basis += _money(line, "subtotal_set", "subtotal")
    return Refund(
        platform_refund_id=_id(payload),
        platform_order_id=_id(payload, "order_id"),
        basis=max(bounded(basis, "refund_line_items[].subtotal"), Decimal(0)),
        created_at=_time(payload.get("created_at"), "created_at"),
    )


def _gid_number(gid: Any, field: str) -> str:
    """ "gid://shopify/Order/450789469" → "450789469" (the id webhooks carry)."""
    number = gid.rsplit("/", 1)[-1] if isinstance(gid, str) else ""
    if not (number.isascii() and number.isdigit()) or len(number) > 20:
        raise PayloadError(f"{field}: not a Shopify global id: {gid!r}")
    return number


def _money_set(node: Any) -> dict[str, Any] | None:
    """GraphQL MoneyBag {shopMoney {amount currencyCode}} → REST {shop_money {amount currency_code}}."""
    shop_money = (node or {}).get("shopMoney") if isinstance(node, dict) else None
    if not isinstance(shop_money, dict):
        return None
    return {"shop_money": {"amount": shop_money.get("amount"), "currency_code": shop_money.get("currencyCode")}}


def _rest_customer(node: Any) -> dict[str, Any] | None:
    if not isinstance(node, dict) or node.get("id") is None:
        return None
    address = node.get("defaultEmailAddress")
    return {
        "id": _gid_number(node["id"], "customer.id"),
        "email": address.get("emailAddress") if isinstance(address, dict) else None,
        "first_name": node.get("firstName"),
        "last_name": node.get("lastName"),
    }


def _rest_shipping_lines(node: dict[str, Any]) -> list[dict[str, Any]]:
    lines = (node.get("shippingLines") or {}).get("nodes") or []
    return [
        {"tax_lines": [{"price_set": _money_set(tax.get("priceSet"))} for tax in line.get("taxLines") or []]}
        for line in lines
        if isinstance(line, dict)
    ]


def graphql_to_order(node: Any) -> Order:
    """An Admin GraphQL order (reconciliation) → the same neutral Order its webhook body gives: the
    node is rewritten in the REST shape and read by `to_order`, so both paths share one reading."""
    node = _object(node)
    status = node.get("displayFinancialStatus")
    payload = {
        "id": _gid_number(node.get("id"), "id"),
        "name": node.get("name"),
        "email": node.get("email"),
        "updated_at": node.get("updatedAt"),
        "processed_at": node.get("processedAt"),
        "cancelled_at": node.get("cancelledAt"),
        "financial_status": status.lower() if isinstance(status, str) else None,
        "test": node.get("test"),
        "taxes_included": node.get("taxesIncluded"),
        "current_subtotal_price_set": _money_set(node.get("currentSubtotalPriceSet")),
        "current_total_tax_set": _money_set(node.get("currentTotalTaxSet")),
        "shipping_lines": _rest_shipping_lines(node),
        "customer": _rest_customer(node.get("customer")),
        "refunds": [{"id": _gid_number(r.get("id"), "refunds.id")} for r in node.get("refunds") or []],
    }
    if isinstance(node.get("discountCodes"), list):
        payload["discount_codes"] = [{"code": code} for code in node["discountCodes"]]
    return to_order(payload)


def to_privacy_request(payload: Any) -> PrivacyRequest:
    """customers/data_request, customers/redact and shop/redact bodies (research/shopify.md §3.5)."""
    payload = _object(payload)
    customer_payload = payload.get("customer")
    customer = to_customer(customer_payload) if isinstance(customer_payload, dict) else None
    order_ids = payload.get("orders_requested") or payload.get("orders_to_redact") or []
    request = payload.get("data_request")
    request_id = request.get("id") if isinstance(request, dict) else None
    domain = payload.get("shop_domain")
    return PrivacyRequest(
        shop_domain=domain.strip().lower() if isinstance(domain, str) else None,
        customer=customer,
        order_ids=tuple(
            to_key(order_id, "orders_requested[]") for order_id in order_ids if isinstance(order_id, int | str)
        ),
        request_id=to_key(request_id, "data_request.id") if request_id is not None else None,
    )

"""WooCommerce wc/v3 order and customer representations (webhook bodies) → neutral Order and Customer."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.base import (
    Buyer,
    Customer,
    Order,
    PayloadError,
    bounded,
    line_product_ids,
    to_amount,
    to_key,
    to_text,
    to_time,
)
from connectors.payload_values import first_text as _text
from connectors.payload_values import sub_object as _part

# wc_get_is_paid_statuses() (research/woocommerce.md §3.1). Cash on delivery puts an order in
# `processing` before any money is collected, so a `cod` order is paid only once `completed`.
PAID = frozenset({"processing", "completed"})
VOID = frozenset({"cancelled", "refunded", "failed", "trash"})
CASH_ON_DELIVERY = "cod"


def _gmt(value: Any, field: str) -> datetime | None:
    """WooCommerce's `*_gmt` fields are UTC without a zone suffix ("2017-03-22T19:30:35")."""
    return to_time(value, field, naive_is_utc=True)


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise PayloadError("payload is not a JSON object")
    return payload


# WordPress ids are unsigned 64-bit integers: at most 20 digits.
MAX_ID_DIGITS = 20


def _wordpress_id(value: Any, field: str) -> str:
    """A WordPress id (ASCII digits, or a JSON integer) as text without leading zeros."""
    text = value if isinstance(value, str) else str(value) if isinstance(value, int) else ""
    digits = text.lstrip("0") or "0" if text else ""
    if isinstance(value, bool) or not text.isascii() or not text.isdigit() or len(digits) > MAX_ID_DIGITS:
        raise PayloadError(f"{field}: not a WooCommerce id: {str(value)[:40]!r}")
    return digits


def resource_id(payload: Any) -> str:
    """The order's or customer's id: a positive integer (also the whole body of a deletion)."""
    return _wordpress_id(_object(payload).get("id"), "id")


def _status(payload: dict[str, Any]) -> str:
    status = payload.get("status")
    if not isinstance(status, str) or not status:
        raise PayloadError("status is missing")
    if status in VOID:
        return "void"
    if status == "completed" or (status in PAID and payload.get("payment_method") != CASH_ON_DELIVERY):
        return "paid"
    # pending, on-hold, checkout-draft, a cod order in processing, and statuses added by plugins.
    return "unpaid"


def _lines(payload: dict[str, Any]) -> Decimal:
    lines = _objects(payload.get("line_items"), "line_items")
    return sum((to_amount(line.get("total"), "line_items[].total") for line in lines), Decimal(0))


def _objects(value: Any, field: str) -> list[dict[str, Any]]:
    items = value or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise PayloadError(f"{field}: not a list of objects")
    return items


def _refunds(payload: dict[str, Any]) -> list[tuple[str, Decimal]]:
    """The refunds the order lists: (id, amount given back). WooCommerce lists them as negative totals."""
    return [
        (resource_id(refund), abs(to_amount(refund.get("total"), "refunds[].total")))
        for refund in _objects(payload.get("refunds"), "refunds")
    ]


def refund_ids(payload: Any) -> tuple[str, ...]:
    """The ids of the refunds an order payload lists (those the refunds endpoint can detail)."""
    return tuple(refund_id for refund_id, _ in _refunds(_object(payload)))


def _sum(items: list[dict[str, Any]], field: str, keys: tuple[str, ...]) -> Decimal:
    return sum((abs(to_amount(item.get(key), f"{field}[].{key}")) for item in items for key in keys), Decimal(0))


def _refunded_lines(refund: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """What one refund (a GET orders/<id>/refunds object) gave back: (the line totals it refunds, the
    part of its amount that no line, shipping line, fee or tax accounts for, such as a refund typed
    in as a bare amount). Line totals are tax-exclusive like the order's: the REST API splits the tax
    out whether or not `prices_include_tax`. Shipping and fees are no part of the basis."""
    lines = _objects(refund.get("line_items"), "refund line_items")
    # A refunded line's `total` is what it gives back; `subtotal` only when a store omits the total.
    given = sum(
        (abs(to_amount(line.get("total", line.get("subtotal")), "refund line_items[].total")) for line in lines),
        Decimal(0),
    )
    accounted = given + _sum(lines, "refund line_items", ("total_tax",))
    for field in ("shipping_lines", "fee_lines"):
        accounted += _sum(_objects(refund.get(field), f"refund {field}"), f"refund {field}", ("total", "total_tax"))
    return given, max(abs(to_amount(refund.get("amount"), "refund amount")) - accounted, Decimal(0))


def _basis(payload: dict[str, Any], refunds: list[dict[str, Any]] | None) -> Decimal:
    """Σ line_items[].total: after coupons, without tax and shipping. REST line totals are ex-tax
    whatever `prices_include_tax` says (all fixtures: total = Σ lines + total_tax + shipping).
    They do not shrink when a refund is made (order_completed_with_refunds.json keeps 9.00 + 20.00
    next to refunds of 10.00 and 9.00), so each refund the order lists is taken off: its refunded
    lines when `refunds` (the refunds endpoint's answer) details it, and the rest of its amount (all
    of it without details: a refund's `total` in the order includes tax and shipping) in
    proportion to its share of the order total."""
    basis = max(bounded(_lines(payload), "line_items[].total"), Decimal(0))
    listed = _refunds(payload)
    if not listed or basis == 0:
        return basis
    details = {resource_id(refund): refund for refund in refunds or []}
    given, unattributed = Decimal(0), Decimal(0)
    for refund_id, amount in listed:
        lines, rest = _refunded_lines(details[refund_id]) if refund_id in details else (Decimal(0), amount)
        given, unattributed = given + lines, unattributed + rest
    total = to_amount(payload.get("total"), "total")
    if total <= unattributed:
        return Decimal(0)
    return max(bounded(basis * (total - unattributed) / total - given, "line_items[].total"), Decimal(0))


def _currency(payload: dict[str, Any]) -> str:
    currency = payload.get("currency")
    if (
        not isinstance(currency, str)
        or len(currency.strip()) != 3
        or not currency.strip().isascii()
        or not currency.strip().isalpha()
    ):
        raise PayloadError(f"currency: not an ISO 4217 code: {currency!r}")
    return currency.strip().upper()


def _order_customer(payload: dict[str, Any]) -> Customer | None:
    """The store's registered customer; a guest (customer_id 0) has only a billing email."""
    customer_id = payload.get("customer_id")
    if isinstance(customer_id, bool) or not isinstance(customer_id, int | str) or str(customer_id) in ("", "0"):
        return None
    billing = payload.get("billing")
    if not isinstance(billing, dict):
        billing = {}
    return _customer(_wordpress_id(customer_id, "customer_id"), billing)


def _customer(customer_id: str, fields: dict[str, Any]) -> Customer:
    email = fields.get("email")
    return Customer(
        platform_customer_id=customer_id,
        email=to_key(email, "email", 320) if isinstance(email, str) and email.strip() else None,
        first_name=to_text(fields.get("first_name"), 255),
        last_name=to_text(fields.get("last_name"), 255),
    )


def to_order(payload: Any, refunds: list[dict[str, Any]] | None = None) -> Order:
    """The order as it stands. `refunds` is the refunds endpoint's answer for it, when it was read
    (only the refunds the payload lists count: the endpoint may already know newer ones)."""
    order = _object(payload)
    number = order.get("number")
    return Order(
        platform_order_id=resource_id(order),
        currency=_currency(order),
        basis=_basis(order, refunds),
        status=_status(order),
        name=to_text(f"#{number}", 64) if isinstance(number, str | int) and str(number) else None,
        customer=_order_customer(order),
        updated_at=_gmt(order.get("date_modified_gmt"), "date_modified_gmt"),
        paid_at=_paid_at(order),
        refund_ids=refund_ids(order),
        discount_codes=_coupon_codes(order.get("coupon_lines")),
        fulfilled_at=_gmt(order.get("date_completed_gmt"), "date_completed_gmt")
        if order.get("status") == "completed"
        else None,
        buyer=_buyer(order),
        product_ids=line_product_ids(order.get("line_items")),
    )


ADDRESS_FIELDS = ("address_1", "address_2", "city", "postcode", "country")


def _buyer(order: dict[str, Any]) -> Buyer:
    """Who placed the order (a guest too): the billing email, phone and name, the shipping address
    and `customer_ip_address`."""
    billing = _part(order, "billing")
    shipping = _part(order, "shipping")
    email = _text(billing.get("email"))
    lines = tuple(text for text in (_text(shipping.get(key)) for key in ADDRESS_FIELDS) if text)
    return Buyer(
        email=email[:320] if email else None,
        phone=_text(billing.get("phone")) or _text(shipping.get("phone")),
        first_name=_text(billing.get("first_name")),
        last_name=_text(billing.get("last_name")),
        shipping_address=lines if len(lines) > 1 else (),
        ip=_text(order.get("customer_ip_address")),
    )


def _paid_at(order: dict[str, Any]) -> datetime | None:
    """The paid time (CONTRACT.md): `date_paid_gmt`, but `date_completed_gmt` for cash on delivery
    (paid when completed), and for a completed order without a payment date."""
    paid = _gmt(order.get("date_paid_gmt"), "date_paid_gmt")
    if order.get("payment_method") == CASH_ON_DELIVERY or paid is None:
        completed = _gmt(order.get("date_completed_gmt"), "date_completed_gmt")
        return completed or (paid if order.get("payment_method") != CASH_ON_DELIVERY else None)
    return paid


def _coupon_codes(lines: Any) -> tuple[str, ...] | None:
    """`coupon_lines[].code` (WooCommerce writes them lowercased); None when the list is absent."""
    if not isinstance(lines, list):
        return None
    codes = (line.get("code") for line in lines if isinstance(line, dict))
    return tuple(text.strip() for text in (to_text(code, 255) for code in codes) if text and text.strip())


def to_deleted_order(payload: Any, currency: str) -> Order:
    """order.deleted carries only `{"id": N}`: the order is gone and earns nothing. No updated_at:
    the deletion has no time of its own, and a restore (order.restored) carries a newer
    date_modified_gmt than the order had before, so it is taken in after this snapshot."""
    return Order(platform_order_id=resource_id(payload), currency=currency, basis=Decimal(0), status="void")


def to_customer(payload: Any) -> Customer:
    """A WordPress user; an account when its role is `customer`. WooCommerce core keeps no
    newsletter consent (marketing_subscribed stays False: README, "Ways to earn")."""
    customer = _object(payload)
    return replace(_customer(resource_id(customer), customer), account=customer.get("role") == "customer")

"""Discount codes on Shopify: a member's single-use code (a reward, cashback, unboxing) and the
advocates' friend codes, which all live in one discount of the shop (created with the first code,
each next code added with discountRedeemCodeBulkAdd): usable by any customer, once per customer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from connectors.base import CouponRejected, CouponSpec, FriendCodeSpec

from .documents import (
    DISCOUNT_BY_CODE,
    DISCOUNT_CREATE,
    FREE_SHIPPING_CREATE,
    REDEEM_CODES_ADD,
)

GraphQL = Callable[[str, dict[str, Any]], dict[str, Any]]


def customer_gid(customer_id: str) -> str:
    return f"gid://shopify/Customer/{customer_id}"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_taken(errors: list[dict[str, Any]]) -> bool:
    """Shopify's DiscountErrorCode TAKEN: the code exists on the shop already."""
    return any(e.get("code") == "TAKEN" for e in errors)


def discount_input(spec: CouponSpec) -> dict[str, Any]:
    """DiscountCodeBasicInput / DiscountCodeFreeShippingInput for a single-use, one-customer code."""
    fields: dict[str, Any] = {
        "title": spec.title,
        "code": spec.code,
        "startsAt": iso(spec.starts_at),
        "endsAt": iso(spec.ends_at) if spec.ends_at else None,
        "context": {"customers": {"add": [customer_gid(spec.customer_id)]}},
        "usageLimit": spec.usage_limit,
        "appliesOncePerCustomer": spec.once_per_customer,
    }
    if spec.min_subtotal is not None:
        fields["minimumRequirement"] = {"subtotal": {"greaterThanOrEqualToSubtotal": format(spec.min_subtotal, "f")}}
    if spec.value_type == "free_shipping":
        return {**fields, "destination": {"all": True}}
    if spec.value_type == "percentage":
        # GraphQL's Float between 0 and 1; the only float we send, derived from an exact Decimal.
        value: dict[str, Any] = {"percentage": float(spec.value / 100)}
    elif spec.value_type == "fixed_amount":
        value = {"discountAmount": {"amount": format(spec.value, "f"), "appliesOnEachItem": False}}
    else:
        raise CouponRejected(f"unknown coupon value type {spec.value_type!r}")
    return {**fields, "customerGets": {"value": value, "items": {"all": True}}}


def _ours(graphql: GraphQL, code: str, title: str) -> str | None:
    """The id of the discount holding `code` when it carries our title (an earlier attempt whose
    answer was lost), else None."""
    existing = graphql(DISCOUNT_BY_CODE, {"code": code}).get("codeDiscountNodeByCode")
    if existing and (existing.get("codeDiscount") or {}).get("title") == title:
        return str(existing["id"])
    return None


def create_coupon(graphql: GraphQL, spec: CouponSpec) -> str:
    """Create the code on the shop; returns the discount's id. A TAKEN code that carries our title
    is ours from an earlier attempt whose answer was lost, and counts as created."""
    fields = discount_input(spec)
    if spec.value_type == "free_shipping":
        result = graphql(FREE_SHIPPING_CREATE, {"freeShippingCodeDiscount": fields})["discountCodeFreeShippingCreate"]
    else:
        result = graphql(DISCOUNT_CREATE, {"basicCodeDiscount": fields})["discountCodeBasicCreate"]
    errors = result.get("userErrors") or []
    if not errors and result.get("codeDiscountNode"):
        return str(result["codeDiscountNode"]["id"])
    if _is_taken(errors):
        found = _ours(graphql, spec.code, spec.title)
        if found:
            return found
    raise CouponRejected(f"Shopify refused coupon {spec.code}: {errors or 'no discount returned'}")


def friend_discount_input(spec: FriendCodeSpec) -> dict[str, Any]:
    """The shop's friend discount: `percent` off every item for any customer, once per customer, no
    usage limit in all and no end; it stacks with nothing (combinesWith left at its defaults)."""
    return {
        "title": spec.title,
        "code": spec.code,
        "startsAt": iso(spec.starts_at),
        "context": {"all": "ALL"},
        "appliesOncePerCustomer": True,
        "customerGets": {"value": {"percentage": float(spec.percent / 100)}, "items": {"all": True}},
    }


def create_friend_code(graphql: GraphQL, spec: FriendCodeSpec) -> str:
    """The first friend code creates the shop's friend discount; every next one is added to it
    (Shopify adds bulk codes asynchronously: the job it starts is accepted or refused at once).
    Returns the discount's id."""
    if spec.holder_id is None:
        result = graphql(DISCOUNT_CREATE, {"basicCodeDiscount": friend_discount_input(spec)})["discountCodeBasicCreate"]
        errors = result.get("userErrors") or []
        if not errors and result.get("codeDiscountNode"):
            return str(result["codeDiscountNode"]["id"])
        found = _ours(graphql, spec.code, spec.title) if _is_taken(errors) else None
        if found:
            return found
        raise CouponRejected(f"Shopify refused friend code {spec.code}: {errors or 'no discount returned'}")
    variables = {"discountId": spec.holder_id, "codes": [{"code": spec.code}]}
    result = graphql(REDEEM_CODES_ADD, variables)["discountRedeemCodeBulkAdd"]
    errors = result.get("userErrors") or []
    if errors or not result.get("bulkCreation"):
        raise CouponRejected(f"Shopify refused friend code {spec.code}: {errors or 'no bulk creation returned'}")
    return spec.holder_id

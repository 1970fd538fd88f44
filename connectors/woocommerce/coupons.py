"""Coupons as the WooCommerce REST API takes them (POST coupons): a member's single-use code, and an
advocate's friend code."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.base import CouponRejected, CouponSpec, FriendCodeSpec

DISCOUNT_TYPES = {"percentage": "percent", "fixed_amount": "fixed_cart", "free_shipping": "fixed_cart"}


def _with_offset(moment: datetime) -> str:
    """`date_expires` in UTC with an explicit `+00:00`: WC_Data::set_date_prop() reads a string with
    an offset as that instant, one without it in the site's timezone; `date_expires_gmt` has no setter
    on WC_Coupon, so the REST API drops it without a word (the coupon would never expire). Whole
    seconds: set_date_prop()'s pattern has no fraction."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def coupon_body(spec: CouponSpec, email: str) -> dict[str, Any]:
    """A single-use code for one shopper's billing email (research §4)."""
    if spec.value_type not in DISCOUNT_TYPES:
        raise CouponRejected(f"unknown coupon value type {spec.value_type!r}")
    free_shipping = spec.value_type == "free_shipping"
    body: dict[str, Any] = {
        "code": spec.code,
        "description": spec.title,
        "discount_type": DISCOUNT_TYPES[spec.value_type],
        "amount": "0" if free_shipping else format(spec.value, "f"),
        "free_shipping": free_shipping,
        "usage_limit": spec.usage_limit,
        "usage_limit_per_user": 1 if spec.once_per_customer else None,
        "email_restrictions": [email],
        "date_expires": _with_offset(spec.ends_at) if spec.ends_at else None,
    }
    if spec.min_subtotal is not None:
        body["minimum_amount"] = format(spec.min_subtotal, "f")  # a string, like every WooCommerce amount
    return body


def friend_code_body(spec: FriendCodeSpec) -> dict[str, Any]:
    """An advocate's friend code: `percent` off for any shopper, each shopper once
    (`usage_limit_per_user`: WooCommerce counts a guest by billing email), no limit in all, no
    expiry, and alone in the cart (`individual_use`: it does not stack with reward or unboxing
    codes, as the Shopify discount does not)."""
    return {
        "code": spec.code,
        "description": spec.title,
        "discount_type": "percent",
        "amount": format(spec.percent, "f"),
        "individual_use": True,
        "usage_limit": None,
        "usage_limit_per_user": 1,
        "date_expires": None,
    }

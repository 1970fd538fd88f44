"""What each connector sends for a coupon with a minimum order (research: shopify.md §4.1–4.2,
woocommerce.md §4), without any HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from connectors.base import CouponSpec
from connectors.shopify.client import discount_input
from connectors.woocommerce.coupons import coupon_body

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
END = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def spec(value_type: str, value: str, minimum: str | None) -> CouponSpec:
    return CouponSpec(
        code="SETIA-ABCD-EFGH",
        title="Setia reward SETIA-ABCD-EFGH",
        value_type=value_type,
        value=Decimal(value),
        starts_at=START,
        ends_at=END,
        customer_id="1073339475",
        min_subtotal=Decimal(minimum) if minimum is not None else None,
    )


def test_shopify_sends_the_minimum_as_a_subtotal_requirement():
    body = discount_input(spec("fixed_amount", "5.00", "20.00"))
    assert body["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "20.00"}}
    assert body["customerGets"]["value"] == {"discountAmount": {"amount": "5.00", "appliesOnEachItem": False}}
    assert (body["startsAt"], body["endsAt"]) == ("2026-12-01T08:00:00Z", "2027-03-01T08:00:00Z")


def test_shopify_free_shipping_takes_the_minimum_too():
    body = discount_input(spec("free_shipping", "0", "50000"))
    assert body["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "50000"}}
    assert body["destination"] == {"all": True} and "customerGets" not in body


def test_shopify_sends_no_requirement_without_a_minimum():
    assert "minimumRequirement" not in discount_input(spec("percentage", "10", None))


def test_woocommerce_sends_the_minimum_as_minimum_amount():
    body = coupon_body(spec("fixed_amount", "5.00", "20.00"), "jane@example.com")
    assert (body["discount_type"], body["amount"], body["minimum_amount"]) == ("fixed_cart", "5.00", "20.00")
    assert body["email_restrictions"] == ["jane@example.com"]
    assert (body["usage_limit"], body["usage_limit_per_user"]) == (1, 1)
    assert body["date_expires"] == "2027-03-01T08:00:00+00:00"  # an explicit offset: read as that instant
    assert "date_expires_gmt" not in body  # WC_Coupon has no setter for it: WooCommerce drops it


def test_woocommerce_leaves_the_minimum_out_without_one():
    assert "minimum_amount" not in coupon_body(spec("percentage", "10", None), "jane@example.com")

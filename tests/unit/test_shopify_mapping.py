"""Shopify payloads (real fixtures) → neutral orders, refunds and customers."""

from decimal import Decimal

import pytest

from connectors.base import PayloadError
from connectors.shopify.mapping import to_customer, to_order, to_refund
from connectors.shopify.webhooks import verify_webhook
from tests.deliveries import fake30, fixture, money_set, sign, with_changes


def test_fake30_order_maps_to_its_discounted_subtotal_and_customer():
    order = to_order(fake30())
    assert order.platform_order_id == "1073459981"
    assert order.basis == Decimal("181.09")
    assert order.status == "paid" and not order.test
    assert order.customer is not None and order.customer.platform_customer_id == "1073339475"
    assert order.customer.email == "jane@example.com"
    assert order.updated_at is not None and order.updated_at.utcoffset() is not None


def test_generic_sample_is_a_cancelled_voided_test_order():
    order = to_order(fixture("orders_paid__generic_sample"))
    assert order.status == "void" and order.test


def test_guest_order_has_no_customer():
    assert to_order(fixture("orders_paid__paid_guest_no_customer")).customer is None


def test_taxes_included_are_taken_out_of_the_basis():
    order = with_changes(
        fake30(),
        taxes_included=True,
        current_subtotal_price_set=money_set("110.00"),
        current_total_tax_set=money_set("12.00"),
        shipping_lines=[{"tax_lines": [{"price_set": money_set("2.00")}]}],
    )
    assert to_order(order).basis == Decimal("100.00")


def test_refunded_and_cancelled_orders_are_void():
    assert to_order(fixture("orders_paid__refunded_discount_TENOFF")).status == "void"
    assert to_order(with_changes(fake30(), cancelled_at="2025-04-03T10:00:00-05:00")).status == "void"
    assert to_order(with_changes(fake30(), financial_status="pending")).status == "unpaid"


def test_partially_refunded_snapshot_lists_the_refunds_it_reflects():
    order = to_order(fixture("orders_paid__partially_refunded_discount_TENOFF"))
    assert order.status == "paid" and order.refund_ids == ("509562969",)


def test_refund_sums_its_line_subtotals():
    refund = to_refund(fixture("refunds_create__generic_sample"))
    assert refund.platform_refund_id == "890088186047892319"
    assert refund.platform_order_id == "820982911946154508"
    assert refund.basis == Decimal("414.95")


def test_customer_payload_maps_contact_details():
    customer = to_customer(fixture("customers_update__generic_sample"))
    assert customer.platform_customer_id and customer.email


@pytest.mark.parametrize(
    "payload",
    [[], "x", {"id": None}, {"id": 1, "updated_at": "yesterday"}, {"id": 1, "current_subtotal_price": "lots"}],
)
def test_nonsense_payloads_raise_payload_error(payload):
    with pytest.raises(PayloadError):
        to_order(payload)


def test_webhook_hmac_is_base64_over_the_raw_body_in_constant_time():
    body = b'{"id": 1}'
    assert verify_webhook(body, sign(body, "s3cret"), "s3cret")
    assert not verify_webhook(body, sign(body, "other"), "s3cret")
    assert not verify_webhook(body + b" ", sign(body, "s3cret"), "s3cret")
    assert not verify_webhook(body, None, "s3cret")
    assert not verify_webhook(body, sign(body, ""), "")

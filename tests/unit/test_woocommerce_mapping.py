"""WooCommerce order and customer bodies (real wc/v3 payloads) → neutral Order and Customer;
deliveries are recognised by their headers and signature."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connectors.base import PayloadError
from connectors.woocommerce.mapping import to_customer, to_deleted_order, to_order
from connectors.woocommerce.webhooks import is_ping, read_delivery, verify_webhook
from tests.woocommerce_deliveries import sign

FIXTURES = Path(__file__).parent.parent / "fixtures" / "woocommerce"


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))


def coupon_order(**changes: Any) -> dict[str, Any]:
    order = fixture("order.created__processing_customer_coupon")
    order.update(changes)
    return order


def test_paid_order_basis_is_line_totals_after_coupon_without_tax_and_shipping():
    order = to_order(fixture("order.created__processing_customer_coupon"))
    # Lines 50.00 → 30.00 and 10.00 → 0.00 after coupons; total 31.20 includes 1.20 tax.
    assert order.basis == Decimal("30.00")
    assert order.status == "paid" and order.currency == "USD" and order.name == "#963"
    assert order.customer is not None and order.customer.platform_customer_id == "11"
    assert order.customer.email == "scrambled@scrambled.com"
    assert order.updated_at == datetime(2018, 4, 3, 23, 5, 14, tzinfo=UTC)
    assert order.paid_at == datetime(2018, 4, 3, 23, 5, 14, tzinfo=UTC)
    assert order.refund_ids == ()


def test_shipping_is_not_in_the_basis():
    order = to_order(fixture("order.updated__completed_guest"))  # 2 × 6.00 + 12.00, shipping 10.00
    assert order.basis == Decimal("18.00") and order.status == "paid"


@pytest.mark.parametrize(
    ("status", "payment_method", "expected"),
    [
        ("pending", "bacs", "unpaid"),
        ("on-hold", "bacs", "unpaid"),
        ("checkout-draft", "", "unpaid"),
        ("processing", "stripe", "paid"),
        ("completed", "stripe", "paid"),
        ("processing", "cod", "unpaid"),
        ("on-hold", "cod", "unpaid"),
        ("completed", "cod", "paid"),
        ("cancelled", "stripe", "void"),
        ("refunded", "stripe", "void"),
        ("failed", "stripe", "void"),
        ("trash", "stripe", "void"),
        ("shipped-by-plugin", "stripe", "unpaid"),
    ],
)
def test_status_mapping(status, payment_method, expected):
    assert to_order(coupon_order(status=status, payment_method=payment_method)).status == expected


def test_guest_order_has_no_customer():
    order = to_order(fixture("order.created__processing_guest"))
    assert order.customer is None and order.status == "paid"


def test_partial_refunds_keep_the_share_of_the_order_not_refunded():
    # Lines 9.00 + 20.00 stay as they were; refunds of 10.00 and 9.00 out of a 39.00 order.
    order = to_order(fixture("order.updated__completed_partially_refunded"))
    assert order.refund_ids == ("726", "724")
    assert order.status == "paid"
    assert order.basis == Decimal(29) * Decimal(20) / Decimal(39)


def refunds_endpoint() -> list[dict[str, Any]]:
    """GET orders/723/refunds (docs example): 726 is a bare 10.00, 724 gives back line 311 (9.00)."""
    return list(json.loads((FIXTURES / "order_refunds__docs_example.json").read_text()))


def test_refunds_endpoint_takes_off_the_refunded_lines_and_the_rest_in_proportion():
    order = to_order(fixture("order.updated__completed_partially_refunded"), refunds_endpoint())
    # 724 gives back 9.00 of lines; 726 names no line: its 10.00 of the 39.00 order counts in proportion.
    assert round(order.basis, 4) == Decimal("12.5641")  # 29 × 29 / 39 − 9
    assert order.refund_ids == ("726", "724")


def test_a_shipping_only_refund_lowers_nothing():
    shipping = {
        "id": 726,
        "amount": "10.00",
        "line_items": [],
        "shipping_lines": [{"total": "-10.00", "total_tax": "0"}],
    }
    order = fixture("order.updated__completed_partially_refunded")
    order["refunds"] = [{"id": 726, "reason": "", "total": "-10.00"}]
    assert to_order(order, [shipping]).basis == Decimal("29.00")
    assert to_order(order).basis < Decimal("29.00")  # the proportional rule cannot tell


def test_refunded_line_tax_is_not_taken_off_the_basis():
    taxed = {"id": 5, "amount": "9.90", "line_items": [{"id": 9, "total": "-9.00", "total_tax": "-0.90"}]}
    order = fixture("order.updated__completed_partially_refunded")
    order["refunds"] = [{"id": 5, "reason": "", "total": "-9.90"}]
    assert to_order(order, [taxed]).basis == Decimal("20.00")
    with_tax_in_prices = dict(order, prices_include_tax=True)
    assert to_order(with_tax_in_prices, [taxed]).basis == Decimal("20.00")


def test_only_the_refunds_the_order_lists_count():
    order = fixture("order.updated__completed_partially_refunded")
    order["refunds"] = [{"id": 724, "reason": "", "total": "-9.00"}]  # 726 came later
    assert to_order(order, refunds_endpoint()).basis == Decimal("20.00")
    # A listed refund the endpoint does not return (deleted since) counts in proportion.
    order["refunds"] = [{"id": 724, "reason": "", "total": "-9.00"}, {"id": 999, "reason": "", "total": "-3.90"}]
    assert to_order(order, refunds_endpoint()).basis == Decimal(29) * Decimal("35.10") / Decimal(39) - 9


def test_full_refund_leaves_no_basis_and_voids():
    order = to_order(fixture("order.updated__refunded_full"))
    assert order.status == "void" and order.basis == 0 and order.refund_ids == ("622",)


def test_wc10_delivery_with_a_full_coupon_has_zero_basis():
    order = to_order(fixture("order.updated__wc10_delivery"))
    assert order.basis == 0 and order.currency == "RUB" and order.status == "paid"
    assert order.customer is not None and order.customer.platform_customer_id == "1377"


def test_timestamps_with_a_zone_are_converted_to_utc():
    order = to_order(coupon_order(date_modified_gmt="2018-04-04T06:05:14+07:00"))
    assert order.updated_at == datetime(2018, 4, 3, 23, 5, 14, tzinfo=UTC)


def test_deleted_order_is_void_with_nothing_to_earn():
    order = to_deleted_order({"id": 963}, "USD")
    assert order.platform_order_id == "963" and order.status == "void" and order.basis == 0
    assert order.customer is None and order.updated_at is None


def test_customer_from_customer_body():
    customer = to_customer(fixture("customer.updated__customer"))
    assert customer.platform_customer_id == "25" and customer.email == "john.doe@example.com"
    assert (customer.first_name, customer.last_name) == ("John", "Doe")


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"status": "processing"},
        coupon_order(id="abc"),
        coupon_order(currency=None),
        coupon_order(status=None),
        coupon_order(line_items="x"),
        coupon_order(line_items=[{"total": "lots"}]),
        coupon_order(refunds=[{"id": 1, "total": {"amount": 1}}]),
        coupon_order(date_modified_gmt="yesterday"),
    ],
)
def test_nonsense_is_a_payload_error(payload):
    with pytest.raises(PayloadError):
        to_order(payload)


def test_signature_is_base64_hmac_sha256_of_the_raw_body():
    body = b'{"id":963,"status":"processing"}'
    assert verify_webhook(body, sign(body, "wc-secret"), "wc-secret")
    assert not verify_webhook(body, sign(body, "other"), "wc-secret")
    assert not verify_webhook(body + b" ", sign(body, "wc-secret"), "wc-secret")
    assert not verify_webhook(body, None, "wc-secret")
    assert not verify_webhook(body, sign(body, ""), "")


def test_read_delivery_from_captured_headers():
    headers = fixture("headers_example")["delivery"]["headers"]
    delivery = read_delivery(headers)
    assert delivery is not None
    assert (delivery.topic, delivery.resource, delivery.event) == ("order.updated", "order", "updated")
    assert delivery.webhook_id == "16" and delivery.delivery_id == "4a8d4394fa7b1c883747ad86babf922b"
    assert delivery.source == "https://neuro-hub.pro/"
    assert read_delivery({"X-WC-Webhook-Topic": "order.updated"}) is None


def test_ping_is_the_unsigned_form_body_only():
    ping = fixture("headers_example")["ping"]
    assert is_ping(ping["body"].encode(), ping["headers"])
    assert not is_ping(b"webhook_id=16", {"X-WC-Webhook-Signature": "abc"})
    assert not is_ping(b'{"webhook_id": 16}', {})
    assert not is_ping(b"webhook_id=16&x=1", {})


def test_an_order_carries_its_line_items_product_ids_for_campaigns():
    assert to_order(fixture("order.created__processing_customer_coupon")).product_ids == ("52", "234")
    ids = [7, 0, 7, None, True]  # a deleted product (0) and a custom line (null) have none
    lines = [{"product_id": value, "total": "1.00"} for value in ids]
    assert to_order(coupon_order(line_items=lines)).product_ids == ("7",)
    without = coupon_order()
    del without["line_items"]
    assert to_order(without).product_ids is None  # the payload does not say


def test_the_paid_time_is_date_paid_or_for_cash_on_delivery_date_completed():
    paid = fixture("order.created__processing_customer_coupon")
    assert to_order(paid).paid_at == datetime(2018, 4, 3, 23, 5, 14, tzinfo=UTC)
    cod = coupon_order(payment_method="cod", status="completed", date_completed_gmt="2018-04-05T10:00:00")
    assert to_order(cod).paid_at == datetime(2018, 4, 5, 10, 0, tzinfo=UTC)
    assert to_order(coupon_order(payment_method="cod", date_completed_gmt=None)).paid_at is None
    completed = fixture("order.updated__completed_partially_refunded")  # no date_paid_gmt
    assert to_order(completed).paid_at == datetime(2017, 3, 21, 19, 54, 51, tzinfo=UTC)

"""Orders remember the discount codes they used (the analytics count the revenue of orders that used a
Setia coupon): Shopify's `discount_codes[].code`, WooCommerce's `coupon_lines[].code`, read from the
real fixtures."""

from __future__ import annotations

from connectors.shopify.mapping import graphql_to_order
from connectors.shopify.mapping import to_order as shopify_order
from connectors.woocommerce.mapping import to_order as woocommerce_order
from tests.deliveries import fake30, fixture
from tests.woocommerce_deliveries import fixture as wc_fixture


def test_shopify_orders_carry_their_discount_codes():
    assert shopify_order(fake30()).discount_codes == ("FAKE30",)
    assert shopify_order(fixture("orders_paid__partially_refunded_discount_TENOFF")).discount_codes == ("TENOFF",)
    assert shopify_order(fixture("orders_paid__paid_guest_no_customer")).discount_codes == ()


def test_a_shopify_payload_without_the_list_says_nothing_about_codes():
    payload = fake30()
    del payload["discount_codes"]
    assert shopify_order(payload).discount_codes is None


def test_a_reconciled_shopify_order_reads_graphqls_discount_codes():
    node = {
        "id": "gid://shopify/Order/1073459981",
        "updatedAt": "2025-04-03T10:00:00Z",
        "displayFinancialStatus": "PAID",
        "currentSubtotalPriceSet": {"shopMoney": {"amount": "181.09", "currencyCode": "USD"}},
        "discountCodes": ["SETIA-ABCD-EFGH"],
    }
    assert graphql_to_order(node).discount_codes == ("SETIA-ABCD-EFGH",)
    del node["discountCodes"]
    assert graphql_to_order(node).discount_codes is None


def test_woocommerce_orders_carry_their_coupon_codes_as_the_store_wrote_them():
    assert woocommerce_order(wc_fixture("order.created__processing_customer_coupon")).discount_codes == ("30$off",)
    assert woocommerce_order(wc_fixture("order.updated__wc10_delivery")).discount_codes == ("maombi start",)
    assert woocommerce_order(wc_fixture("order.created__processing_guest")).discount_codes == ()

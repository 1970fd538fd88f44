"""A WooCommerce store's orders in the analytics: the unboxing code of a first order, used on the next
one as WooCommerce writes it (lowercased) in `coupon_lines`, counts as revenue from a Setia coupon; a
guest's completed order counts as a non-member order; both through real deliveries and the jobs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integrator import analytics_jobs
from tests.conftest import drain
from tests.fake_woocommerce import FakeWooCommerce, fake_woocommerce
from tests.integration.test_analytics_dashboard import coupon_code, sign_in, text_of
from tests.woocommerce_deliveries import connected_store, deliver_to, fixture

pytestmark = pytest.mark.usefixtures("ledger_checked")


@pytest.fixture()
def woo() -> Iterator[FakeWooCommerce]:
    with fake_woocommerce() as store:
        yield store


def test_a_lowercased_unboxing_code_on_the_next_order_counts_as_setia_revenue(app, client, woo):
    settings = {"points_per_unit": "1", "unboxing": {"enabled": True, "discount_percent": "15", "expires_days": 14}}
    store = connected_store(app, settings)
    first = fixture("order.created__processing_customer_coupon")  # customer 11, 30.00, paid by card
    deliver_to(client, "order.created", first, "d1")
    code = coupon_code(app, "unboxing", "963")
    second = {
        **first,
        "id": 964,
        "number": "964",
        "date_modified_gmt": "2018-04-10T10:00:00",
        "date_paid_gmt": "2018-04-10T10:00:00",
        "line_items": [{**first["line_items"][0], "total": "40.00"}],
        "coupon_lines": [{"id": 1, "code": code.lower(), "discount": "6.00", "discount_tax": "0"}],
    }
    deliver_to(client, "order.created", second, "d2")
    deliver_to(client, "order.updated", fixture("order.updated__completed_guest"), "d3")  # a guest: 18.00
    analytics_jobs.refresh_recent()
    analytics_jobs.refresh_snapshots()
    drain()
    sign_in(app, client, store["id"])
    html = client.get("/admin/analytics", query_string={"from": "2017-03-01", "to": "2018-12-31"}).get_data(
        as_text=True
    )
    assert text_of(html, 'data-row="orders"') == "Paid orders 2 1"
    assert text_of(html, 'data-row="revenue"') == "Revenue $70.00 $18.00"
    assert text_of(html, 'data-row="unboxing-orders"') == "With an unboxing coupon 1 $40.00"
    assert text_of(html, 'data-row="reward-orders"') == "With a reward coupon 0 $0.00"
    assert text_of(html, 'data-row="repeat-rate"') == "Repeat-purchase rate 100.0 % —"

"""Orders a store never delivered (WooCommerce does not retry, and disables failing webhooks) are
pulled back by reconciliation and earn exactly once, whatever arrives later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from integrator import jobs
from integrator.loyalty.models import utcnow
from tests.conftest import Api
from tests.fake_woocommerce import FakeWooCommerce, fake_woocommerce
from tests.woocommerce_deliveries import connected_store, deliver_to, fixture

pytestmark = pytest.mark.usefixtures("ledger_checked")


@pytest.fixture()
def store(app: Flask) -> dict[str, Any]:
    return connected_store(app, {"points_per_unit": "1", "cashback_percent": "2"})


@pytest.fixture()
def woo() -> Iterator[FakeWooCommerce]:
    with fake_woocommerce() as fake:
        yield fake


def test_a_missed_order_is_awarded_once_by_reconciliation(client, store, woo):
    order = fixture("order.created__processing_customer_coupon")  # 30.00 of lines after coupons
    modified = (utcnow() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")  # after the store connected
    woo.orders.append({**order, "date_modified_gmt": modified})
    api = Api(client, store["api_key"])

    assert jobs.reconcile_shop(store["id"]) == 1
    member = api.member(order["customer_id"])
    assert (member["points_available"], member["cashback_available"]) == (30, "0.60")

    deliver_to(client, "order.updated", order, "late-delivery")  # the delivery turns up after all
    assert jobs.reconcile_shop(store["id"]) == 1  # and the next run pulls it again
    member = api.member(order["customer_id"])
    assert (member["points_available"], member["cashback_available"]) == (30, "0.60")

"""Orders a store never delivered (WooCommerce does not retry, and disables failing webhooks) are
pulled back by reconciliation and earn exactly once, whatever arrives later."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import responses
from flask import Flask

from integrator import jobs
from tests.conftest import Api
from tests.woocommerce_deliveries import STORE_API, connected_store, deliver_to, fixture

pytestmark = pytest.mark.usefixtures("ledger_checked")


@pytest.fixture()
def store(app: Flask) -> dict[str, Any]:
    return connected_store(app, {"points_per_unit": "1", "cashback_percent": "2"})


@pytest.fixture()
def woo() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_a_missed_order_is_awarded_once_by_reconciliation(client, store, woo):
    order = fixture("order.created__processing_customer_coupon")  # 30.00 of lines after coupons
    woo.get(f"{STORE_API}/orders", json=[order])
    api = Api(client, store["api_key"])

    assert jobs.reconcile_shop(store["id"]) == 1
    member = api.member(order["customer_id"])
    assert (member["points_available"], member["cashback_available"]) == (30, "0.60")

    deliver_to(client, "order.updated", order, "late-delivery")  # the delivery turns up after all
    assert jobs.reconcile_shop(store["id"]) == 1  # and the next run pulls it again
    member = api.member(order["customer_id"])
    assert (member["points_available"], member["cashback_available"]) == (30, "0.60")

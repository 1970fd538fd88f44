"""A WooCommerce refund takes back what its refunded lines earned: the job reads the store's refunds
endpoint (GET wc/v3/orders/<id>/refunds) when an order lists refunds, whatever order the deliveries
come in, and falls back to the proportional rule (saying so) when the store cannot be reached."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from integrator import jobs
from integrator.loyalty.models import utcnow
from tests.conftest import Api, requires_postgres
from tests.fake_woocommerce import FakeWooCommerce, fake_woocommerce
from tests.woocommerce_deliveries import FIXTURES, connected_store, deliver_to, fixture

pytestmark = pytest.mark.usefixtures("ledger_checked")

CUSTOMER = "26"  # order 723: lines 9.00 + 20.00, shipping 10.00, total 39.00; refunds 726 (10.00), 724 (9.00)
REFUNDS = "orders/723/refunds"


@pytest.fixture()
def store(app: Flask) -> dict[str, Any]:
    return connected_store(app, {"points_per_unit": "1", "cashback_percent": "2"})


@pytest.fixture()
def woo() -> Iterator[FakeWooCommerce]:
    with fake_woocommerce() as fake:
        yield fake


def refunds_endpoint() -> list[dict[str, Any]]:
    """Both refunds of order 723 as the endpoint lists them (docs example): 726 names no line, 724
    gives back line 311 (9.00)."""
    return list(json.loads((FIXTURES / "order_refunds__docs_example.json").read_text()))


def snapshots() -> dict[str, dict[str, Any]]:
    """Order 723 before any refund, after refund 724, and after both (later state, later date_modified)."""
    both = fixture("order.updated__completed_partially_refunded")
    first = dict(both, refunds=[both["refunds"][1]], date_modified_gmt="2017-03-21T19:53:00")
    before = dict(both, refunds=[], date_modified_gmt="2017-03-21T19:50:00")
    return {"before": before, "first": first, "both": both}


def balances(client: Any, store: dict[str, Any]) -> tuple[int, str]:
    member = Api(client, store["api_key"]).member(CUSTOMER)
    assert member is not None
    return member["points_available"], member["cashback_available"]


def serve_refunds(woo: FakeWooCommerce) -> None:
    woo.refunds["723"] = refunds_endpoint()


def modified_since_last_run(order: dict[str, Any]) -> dict[str, Any]:
    """The order as the store lists it to reconciliation: modified after the run before."""
    return {**order, "date_modified_gmt": (utcnow() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")}


def test_the_refunded_lines_are_read_from_the_refunds_endpoint(client, store, woo):
    serve_refunds(woo)
    deliver_to(client, "order.updated", snapshots()["before"], "d-before")
    assert balances(client, store) == (29, "0.58")
    assert not [call for call in woo.calls if "/refunds" in call.request.url]  # nothing to read yet
    deliver_to(client, "order.updated", snapshots()["both"], "d-both")
    # 29 − 9.00 (line 311) − 29 × 10/39 (726, a bare amount) = 12.56 → 12 points, 0.25 cashback.
    assert balances(client, store) == (12, "0.25")
    [call] = [call for call in woo.calls if "/refunds" in call.request.url]
    assert call.request.method == "GET"
    assert call.request.headers["Authorization"].startswith("Basic ")  # the store's REST keys
    assert call.request.body is None
    assert "per_page=100" in call.request.url and "page=1" in call.request.url


@pytest.mark.parametrize("arrival", list(itertools.permutations(["before", "first", "both"])))
def test_any_order_of_deliveries_converges_on_the_same_balance(client, store, woo, arrival):
    serve_refunds(woo)  # the endpoint answers what is true now: both refunds
    for number, name in enumerate(arrival):
        deliver_to(client, "order.updated", snapshots()[name], f"d-{number}")
    deliver_to(client, "order.updated", snapshots()[arrival[0]], "d-again")  # and a repeat
    assert balances(client, store) == (12, "0.25")


def test_a_shipping_only_refund_lowers_nothing(client, store, woo):
    order = fixture("order.updated__completed_partially_refunded")
    order["refunds"] = [{"id": 801, "reason": "late delivery", "total": "-10.00"}]
    shipping_back = {
        "id": 801,
        "amount": "10.00",
        "line_items": [],
        "shipping_lines": [{"id": 315, "method_id": "flat_rate", "total": "-10.00", "total_tax": "0.00"}],
        "tax_lines": [],
        "fee_lines": [],
    }
    woo.refunds["723"] = [shipping_back]
    deliver_to(client, "order.updated", order, "d-shipping")
    assert balances(client, store) == (29, "0.58")


def test_unreachable_endpoint_falls_back_to_the_proportional_rule_and_says_so(client, store, woo, caplog):
    woo.down.add(REFUNDS)
    with caplog.at_level(logging.WARNING, logger="connectors.woocommerce.client"):
        deliver_to(client, "order.updated", snapshots()["both"], "d-both")
    assert balances(client, store) == (14, "0.29")  # 29 × (39 − 19) / 39 = 14.87
    assert any("refunds of order 723 not read" in record.getMessage() for record in caplog.records)


def test_reconciliation_reads_the_refunds_too(client, store, woo):
    serve_refunds(woo)
    woo.orders.append(modified_since_last_run(snapshots()["both"]))
    assert jobs.reconcile_shop(store["id"]) == 1
    assert balances(client, store) == (12, "0.25")


def test_a_fallback_is_corrected_by_the_next_reconciliation_run(client, store, woo):
    woo.down.add(REFUNDS)
    deliver_to(client, "order.updated", snapshots()["both"], "d-both")
    assert balances(client, store) == (14, "0.29")  # proportional while the store is unreachable
    woo.down.clear()
    serve_refunds(woo)
    woo.orders.append(modified_since_last_run(snapshots()["both"]))
    assert jobs.reconcile_shop(store["id"]) == 1
    assert balances(client, store) == (12, "0.25")


class RefundsProbingTheInbox(dict[str, list[dict[str, Any]]]):
    """The fake store's refunds, which look, when the job reads them, whether any stored delivery's
    row is locked (by the job's own transaction) at that moment."""

    def __init__(self, engine: Any, seen: list[str], refunds: list[dict[str, Any]]) -> None:
        super().__init__({"723": refunds})
        self.engine, self.seen = engine, seen

    def get(self, key: str, default: Any = None) -> Any:
        with self.engine.connect() as connection:
            try:
                connection.execute(text("SELECT id FROM webhook_events FOR UPDATE NOWAIT"))
                self.seen.append("free")
            except OperationalError:
                self.seen.append("locked")
            connection.rollback()
        return super().get(key, default)


@requires_postgres
def test_the_refunds_are_read_before_the_delivery_is_locked(client, app, store, woo):
    """The store may take seconds to answer: no transaction, and no inbox row lock, waits on it."""
    seen: list[str] = []
    woo.refunds = RefundsProbingTheInbox(app.extensions["setia_db"].engine, seen, refunds_endpoint())
    deliver_to(client, "order.updated", snapshots()["before"], "d-before")
    deliver_to(client, "order.updated", snapshots()["both"], "d-both")
    assert seen == ["free"]
    assert balances(client, store) == (12, "0.25")  # the refunded lines were read and taken back

"""Any permutation and duplication of an order's deliveries ends where a simple oracle says."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrator.loyalty import ledger
from tests.conftest import drain
from tests.deliveries import fake30, fixture, money_set, with_changes

STATUSES = ["paid", "pending", "cancelled", "refunded", "partially_refunded"]
_ids = itertools.count(1)


def cents_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


snapshot = st.tuples(st.sampled_from(STATUSES), st.integers(0, 50_000), st.sets(st.integers(0, 2)))
scenario = st.tuples(
    st.lists(snapshot, min_size=1, max_size=4),
    st.lists(st.integers(0, 20_000), max_size=3),  # refund amounts, cents
)


def oracle(snapshots: list[tuple[str, int, set[int]]], refunds: list[int]) -> tuple[int, int]:
    """The rules, written plainly: the newest snapshot decides; refunds it does not list come off
    its subtotal; only paid (or partially refunded) orders earn; rate 1 point and 2% cashback."""
    status, subtotal, listed = snapshots[-1]
    if status not in ("paid", "partially_refunded"):
        return 0, 0
    unseen = sum(amount for index, amount in enumerate(refunds) if index not in listed)
    basis = max(0, subtotal - unseen)
    return basis // 100, basis * 2 // 100


def deliveries_for(order_id: int, customer_id: int, snapshots: list, refunds: list) -> list[tuple[str, Any]]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    customer = dict(fake30()["customer"], id=customer_id)
    out: list[tuple[str, Any]] = []
    for position, (status, subtotal, listed) in enumerate(snapshots):
        stamp = (start + timedelta(minutes=position)).isoformat()
        order = with_changes(
            fake30(),
            id=order_id,
            customer=customer,
            updated_at=stamp,
            financial_status="partially_refunded"
            if status == "partially_refunded"
            else ("paid" if status == "cancelled" else status),
            cancelled_at=stamp if status == "cancelled" else None,
            current_subtotal_price_set=money_set(cents_text(subtotal)),
            refunds=[{"id": order_id * 10 + index} for index in sorted(listed) if index < len(refunds)],
        )
        out.append(("orders/updated", order))
    for index, amount in enumerate(refunds):
        refund = fixture("refunds_create__generic_sample")
        line = dict(refund["refund_line_items"][0], subtotal_set=money_set(cents_text(amount)))
        refund.update(id=order_id * 10 + index, order_id=order_id, refund_line_items=[line])
        out.append(("refunds/create", refund))
    return out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(scenario=scenario, data=st.data())
def test_any_order_of_deliveries_converges_on_the_oracle(app, deliver, api, scenario, data):
    snapshots, refunds = scenario
    snapshots = [(s, t, {i for i in listed if i < len(refunds)}) for s, t, listed in snapshots]
    n = next(_ids)
    order_id, customer_id = 880_000 + n, 990_000 + n
    items = deliveries_for(order_id, customer_id, snapshots, refunds)
    # Each delivery arrives once or twice (a Shopify retry reuses the webhook id; a second
    # subscription would send a new one), in any order.
    sends = []
    for index, (topic, payload) in enumerate(items):
        copies = data.draw(st.integers(1, 2), label=f"copies of {index}")
        same_id = data.draw(st.booleans(), label=f"same id {index}")
        for copy in range(copies):
            sends.append((topic, payload, f"p{n}-{index}" + ("" if same_id else f"-{copy}")))
    for topic, payload, webhook_id in data.draw(st.permutations(sends), label="arrival order"):
        assert deliver(topic, payload, webhook_id=webhook_id, process=False).status_code == 200
    drain()
    points, cashback = oracle(snapshots, refunds)
    member = api.member(customer_id)
    assert member is not None
    assert (member["points_available"], member["points_owed"]) == (points, 0)
    assert member["cashback_available"] == cents_text(cashback)
    with app.extensions["setia_db"].session() as session:
        assert ledger.verify(session) == []

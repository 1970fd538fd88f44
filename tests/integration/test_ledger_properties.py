"""Any permutation and duplication of an order's deliveries ends where a simple oracle says."""

from __future__ import annotations

import itertools
import os
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


# Tiers and campaigns. One member's orders, one after another (each order's paid snapshot and
# refund, each once or twice, in any order); tiers by spend (lifetime) and campaigns over minutes.
TIER_MULTIPLIERS = st.sampled_from([100, 125, 150, 200, 300])  # hundredths
tier_spec = st.tuples(st.integers(0, 60_000), TIER_MULTIPLIERS)  # threshold in cents, multiplier
campaign_spec = st.tuples(
    st.integers(0, 8), st.integers(1, 8), st.sampled_from([100, 150, 200, 300]), st.sampled_from([0, 0, 7, 50])
)  # start minute, length in minutes, multiplier (hundredths), bonus points
order_spec = st.tuples(st.integers(0, 30_000), st.integers(0, 10), st.integers(0, 30_000))  # cents, minute, refund


def tiered_oracle(
    tiers: list[tuple[int, int]], campaigns: list[tuple[int, int, int, int]], orders: list[tuple[int, int, int, bool]]
) -> tuple[int, int, int | None]:
    """(points, final spend in cents, index of the tier after the recalculation), written plainly:
    an order earns floor(basis × tier multiplier × the highest campaign multiplier running at its paid
    minute) plus the bonuses of those campaigns, at the tier held before it; the tier rises to the
    highest threshold the spend has reached at any moment an order earned or gave back; the
    recalculation places the member by the final spend.
    `orders`: (subtotal, minute, refund, whether the paid snapshot came before the refund)."""

    def reached(spend: int) -> int | None:
        best = None
        for index, (threshold, _) in enumerate(tiers):
            if spend >= threshold and (best is None or threshold > tiers[best][0]):
                best = index
        return best

    points, spend, held = 0, 0, None
    for subtotal, minute, refunded, paid_first in orders:
        basis = max(0, subtotal - refunded)
        tier_hundredths = tiers[held][1] if held is not None else 100
        running = [c for c in campaigns if c[0] <= minute < c[0] + c[1]]
        campaign_hundredths = max([c[2] for c in running] + [100])
        bonus = sum(c[3] for c in running)
        if basis > 0:
            points += basis * tier_hundredths * campaign_hundredths // (100 * 100 * 100) + bonus
        peak = spend + (subtotal if paid_first else basis)
        spend += basis
        if peak == spend == 0 or (subtotal if paid_first else basis) == 0:
            continue  # the order never earned: nothing was posted, no tier was looked at
        for candidate in (reached(peak), reached(spend)):
            if candidate is not None and (held is None or tiers[candidate][0] > tiers[held][0]):
                held = candidate
    return points, spend, reached(spend)


_shops = itertools.count(1)


@settings(
    max_examples=int(os.environ.get("TIER_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tiers=st.lists(tier_spec, max_size=3, unique_by=lambda t: t[0]),
    campaigns=st.lists(campaign_spec, max_size=3),
    orders=st.lists(order_spec, min_size=1, max_size=4),
    data=st.data(),
)
def test_tiers_and_campaigns_converge_on_the_oracle(app, client, shops, deliver, tiers, campaigns, orders, data):
    from tests.conftest import Api

    n = next(_shops)
    domain = f"tiers-{n}-{next(_ids)}.myshopify.com"
    shop = shops.make(domain=domain, settings={"points_per_unit": "1", "cashback_percent": "0"})
    api = Api(client, shop["api_key"])
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    for index, (threshold, hundredths) in enumerate(tiers):
        body = {"name": f"T{index}", "threshold": cents_text(threshold), "multiplier": str(hundredths / 100)}
        assert api.post("/tiers", body).status_code == 201
    for index, (first, length, hundredths, bonus) in enumerate(campaigns):
        if hundredths == 100 and bonus == 0:
            continue
        window = {
            "starts_at": (start + timedelta(minutes=first)).isoformat(),
            "ends_at": (start + timedelta(minutes=first + length)).isoformat(),
        }
        body = {"name": f"C{index}", **window, "multiplier": str(hundredths / 100), "bonus_points": bonus}
        assert api.post("/campaigns", body).status_code == 201
    customer_id = 770_000 + n
    customer = dict(fake30()["customer"], id=customer_id)
    seen: list[tuple[int, int, int, bool]] = []
    for position, (subtotal, minute, refunded) in enumerate(orders):
        order_id = 660_000 + n * 10 + position
        refunded = min(refunded, subtotal)
        paid = (start + timedelta(minutes=minute)).isoformat()
        payload = with_changes(
            fake30(),
            id=order_id,
            customer=customer,
            processed_at=paid,
            updated_at=paid,
            current_subtotal_price_set=money_set(cents_text(subtotal)),
            refunds=[],
        )
        sends = [("orders/paid", payload)] * data.draw(st.integers(1, 2), label=f"paid copies {position}")
        if refunded:
            refund = fixture("refunds_create__generic_sample")
            line = dict(refund["refund_line_items"][0], subtotal_set=money_set(cents_text(refunded)))
            refund.update(id=order_id * 10, order_id=order_id, refund_line_items=[line])
            sends += [("refunds/create", refund)] * data.draw(st.integers(1, 2), label=f"refund copies {position}")
        arrival = data.draw(st.permutations(sends), label=f"arrival {position}")
        paid_first = arrival[0][0] == "orders/paid"
        for topic, body in arrival:
            assert deliver(topic, body, domain=domain, process=False).status_code == 200
        drain()
        seen.append((subtotal, minute, refunded, paid_first))
    points, spend, final_tier = tiered_oracle(tiers, campaigns, seen)
    member = api.member(customer_id)
    assert member is not None
    assert member["points_available"] - member["points_owed"] == points
    from integrator import periodic

    with app.app_context():
        periodic.recalculate_tiers()
    member = api.member(customer_id)
    assert member is not None
    assert member["tier"] == (f"T{final_tier}" if final_tier is not None else None)
    with app.extensions["setia_db"].session() as session:
        assert ledger.verify(session) == []

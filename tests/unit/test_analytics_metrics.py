"""The dashboard's arithmetic on a small hand-made dataset: expected values are written out, not
recomputed by the code under test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrator.admin.analytics_charts import nice_step
from integrator.loyalty.analytics import COUNTS, add_entries
from integrator.loyalty.analytics_report import average, liability_minor, point_value, ratio, segments_of
from integrator.loyalty.analytics_snapshot import segment_of


def day_of(entries: list[tuple[str, str, str, int]]) -> dict[str, int]:
    """Fold (account, state, kind, amount) entries one by one, as one-entry groups."""
    row = dict.fromkeys(COUNTS, 0)
    for account, state, kind, amount in entries:
        add_entries(row, account, state, kind, amount > 0, amount, 1)
    return row


def test_a_days_entries_fold_into_issued_redeemed_expired_and_outstanding():
    row = day_of(
        [
            ("points", "pending", "earn", 181),  # an order's points, pending
            ("points", "available", "earn", 50),
            ("points", "pending", "vest", -181),  # vesting moves points, issues none
            ("points", "available", "vest", 181),
            ("points", "available", "adjust", 20),  # the merchant's gift
            ("points", "available", "adjust", -5),  # the merchant's correction: not "issued"
            ("points", "available", "redeem", -100),
            ("points", "available", "redeem", -100),
            ("points", "available", "refund", 100),  # a refused coupon gave 100 back
            ("points", "available", "expire", -30),
            ("points", "available", "takeback", -10),
            ("points", "debt", "takeback", 4),  # owed: not outstanding
            ("cashback", "available", "earn", 362),
            ("cashback", "available", "transfer", -300),  # moved to store credit
            ("cashback", "available", "redeem", -50),
        ]
    )
    assert row["points_issued"] == 251  # 181 + 50 + 20
    assert row["points_redeemed"] == 100  # 200 spent, 100 given back
    assert row["points_expired"] == 30
    assert row["points_net"] == 181 + 50 - 181 + 181 + 20 - 5 - 100 - 100 + 100 - 30 - 10  # = 106
    assert row["points_net"] == 106
    assert row["redemptions"] == 2  # two points redemptions and one of cashback, one refunded
    assert (row["cashback_issued"], row["cashback_spent"], row["cashback_net"]) == (362, 350, 12)


def test_a_group_of_entries_counts_every_entry():
    row = dict.fromkeys(COUNTS, 0)
    add_entries(row, "points", "available", "redeem", False, -1500, 15)
    assert (row["points_redeemed"], row["redemptions"]) == (1500, 15)


def test_rates_and_averages_are_rounded_half_up_and_empty_without_a_whole():
    assert ratio(100, 251) == Decimal("39.8")
    assert ratio(3, 4) == Decimal("75.0")
    assert ratio(1, 8) == Decimal("12.5")
    assert ratio(1, 0) is None
    assert average(25109, 3) == 8370  # 83.6966… → 83.70
    assert average(5, 2) == 3  # 2.5 → 3
    assert average(0, 0) is None


def test_a_point_is_worth_the_cheapest_fixed_amount_reward_per_point():
    rewards = [(500, "fixed_amount", "30000"), (100, "fixed_amount", "10000"), (50, "percentage", "10")]
    assert point_value(rewards) == Decimal(100)  # Rp 10.000 for 100 points
    assert liability_minor(151, point_value(rewards), "IDR") == 15100
    usd = point_value([(100, "fixed_amount", "5.00")])
    assert usd == Decimal("0.05")
    assert liability_minor(151, usd, "USD") == 755  # $7.55
    assert point_value([(50, "free_shipping", "0")]) is None
    assert liability_minor(151, None, "USD") is None


@pytest.mark.parametrize(
    ("recency", "frequency", "segment"),
    [
        (5, 5, "champions"),
        (4, 4, "champions"),
        (3, 5, "loyal"),
        (5, 3, "loyal"),
        (5, 1, "new"),
        (4, 2, "new"),
        (3, 2, "needs_attention"),
        (2, 4, "at_risk"),
        (1, 3, "at_risk"),
        (2, 2, "lost"),
        (1, 1, "lost"),
    ],
)
def test_rfm_segments_by_recency_and_frequency(recency, frequency, segment):
    assert segment_of(recency, frequency) == segment


def test_segments_carry_their_share_of_buyers_and_average_spend():
    snapshot = {
        "buyers": 4,
        "segments": {"champions": {"members": 1, "revenue": 90000}, "lost": {"members": 3, "revenue": 3001}},
    }
    rows = {row["name"]: row for row in segments_of(snapshot)}
    assert (rows["champions"]["share"], rows["champions"]["average"]) == (Decimal("25.0"), 90000)
    assert (rows["lost"]["share"], rows["lost"]["average"]) == (Decimal("75.0"), 1000)
    assert (rows["loyal"]["members"], rows["loyal"]["average"]) == (0, None)
    assert [row["name"] for row in segments_of(None)][0] == "champions"


def test_chart_steps_are_round_numbers():
    assert [nice_step(value) for value in (0, 3, 10, 45, 100, 999, 25109)] == [1, 1, 5, 20, 50, 500, 10000]

"""The arithmetic at the centre: what an order earns, how takebacks split. No database."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from integrator.loyalty.earning import Rates, basis_after_refunds, split_earning, split_takeback, target_for
from integrator.loyalty.money import display, format_minor_string, parse_amount, to_minor

RATE_1_2PCT = Rates(Decimal(1), Decimal(2))


def test_fake30_basis_earns_181_points_and_362_cents():
    target = target_for(18109, "USD", "paid", RATE_1_2PCT)
    assert (target.points, target.cashback) == (181, 362)


def test_unpaid_and_void_orders_earn_nothing():
    for status in ("unpaid", "void", "test", "unknown"):
        assert target_for(18109, "USD", status, RATE_1_2PCT).points == 0


def test_rupiah_rate_gives_one_point_per_thousand():
    target = target_for(250_000, "IDR", "paid", Rates(Decimal("0.001"), Decimal("2")))
    assert (target.points, target.cashback) == (250, 5000)


def test_cashback_rounds_down_to_the_minor_unit():
    # 0.99 × 2.5% = 0.02475 → 0.02
    assert target_for(99, "USD", "paid", Rates(Decimal(0), Decimal("2.5"))).cashback == 2


def test_refunds_not_in_the_snapshot_lower_the_basis_but_never_below_zero():
    assert basis_after_refunds(18109, [5000]) == 13109
    assert basis_after_refunds(18109, [10000, 10000]) == 0


def test_takeback_takes_pending_first_then_available_and_records_the_rest_as_owed():
    split = split_takeback(100, order_pending=30, member_available=50)
    assert (split.from_pending, split.from_available, split.owed) == (30, 50, 20)


def test_new_earnings_settle_debt_first():
    assert split_earning(100, member_debt=30) == (30, 70)
    assert split_earning(10, member_debt=30) == (10, 0)


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6))
def test_takeback_split_always_adds_up(amount, pending, available):
    split = split_takeback(amount, pending, available)
    assert split.from_pending + split.from_available + split.owed == amount
    assert 0 <= split.from_pending <= pending and 0 <= split.from_available <= available


def test_amounts_parse_exactly_and_format_by_local_habit():
    assert parse_amount("181.09") == Decimal("181.09")
    assert to_minor(Decimal("3.629"), "USD") == 362
    assert format_minor_string(362, "USD") == "3.62"
    assert format_minor_string(10000, "IDR") == "10000"
    # The reader's language sets the separators; Rupiah is "Rp" without decimals in both.
    assert display(10000, "IDR") == "Rp 10,000"
    assert display(10000, "IDR", "id") == "Rp 10.000"
    assert display(123450, "USD", "id") == "US$1.234,50"
    assert display(123450, "USD", "en") == "$1,234.50"
    assert display(362, "USD") == "$3.62"

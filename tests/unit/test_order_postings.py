"""The posting arithmetic of an order (earn, take back, settle debt, vest) as one pure function:
values in, postings out. No database: these read like the ledger rows a merchant would see."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from integrator.loyalty.earning import Target
from integrator.loyalty.postings import (
    ACCOUNTS,
    Balance,
    Holding,
    MemberBalances,
    OrderState,
    Plan,
    order_postings,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NOTHING = MemberBalances()
EMPTY = Holding()


def order(points: Holding = EMPTY, cashback: Holding = EMPTY, **more: object) -> OrderState:
    return OrderState("1001", 3, points, cashback, **more)


def rows(plan: Plan) -> list[tuple[str, str, int, str, str]]:
    """(account, state, amount, kind, key part) of each posting, in order."""
    return [
        (m.posting.account, m.posting.state, m.posting.amount, m.posting.kind, m.posting.key.split(":", 4)[4])
        for m in plan.moves
    ]


def test_a_paid_order_without_pending_days_earns_available_points_and_cashback():
    plan = order_postings(order(), Target(181, 362), NOTHING, NOW)
    assert rows(plan) == [
        ("points", "available", 181, "earn", "earn"),
        ("cashback", "available", 362, "earn", "earn"),
    ]
    assert plan.moves[0].posting.key == "order:1001:r3:points:earn"
    assert (plan.order.points, plan.order.cashback) == (Holding(0, 181), Holding(0, 362))
    assert plan.balances == MemberBalances(Balance(181, 0), Balance(362, 0))


def test_pending_days_earn_pending_until_the_paid_day_plus_the_days():
    paid = NOW - timedelta(days=2)
    plan = order_postings(order(pending_days=14, paid_at=paid), Target(50, 0), NOTHING, NOW)
    assert rows(plan) == [("points", "pending", 50, "earn", "earn")]
    assert plan.moves[0].available_at == paid + timedelta(days=14)
    assert plan.order.points == Holding(pending=50, held=50)
    assert plan.order.vests_at == paid + timedelta(days=14)
    assert plan.balances == NOTHING  # pending amounts are not spendable


def test_an_order_paid_longer_ago_than_its_pending_days_vests_at_once():
    plan = order_postings(order(pending_days=7, paid_at=NOW - timedelta(days=30)), Target(50, 0), NOTHING, NOW)
    assert rows(plan) == [
        ("points", "pending", 50, "earn", "earn"),
        ("points", "pending", -50, "vest", "vest-out"),
        ("points", "available", 50, "vest", "vest-in"),
    ]
    assert plan.order.points == Holding(0, 50)
    assert plan.order.vests_at is None


def test_a_takeback_takes_pending_first_then_available_and_records_the_rest_as_owed():
    held = order(points=Holding(pending=30, held=100), vests_at=NOW + timedelta(days=3))
    plan = order_postings(held, Target(0, 0), MemberBalances(points=Balance(available=50)), NOW)
    assert rows(plan) == [
        ("points", "pending", -30, "takeback", "takeback-pending"),
        ("points", "available", -50, "takeback", "takeback-available"),
        ("points", "debt", 20, "takeback", "takeback-debt"),
    ]
    assert plan.order.points == Holding(0, 0)
    assert plan.order.vests_at is None  # nothing left pending
    assert plan.balances.points == Balance(available=0, debt=20)


def test_a_partial_takeback_keeps_the_vesting_day_while_something_is_pending():
    vests = NOW + timedelta(days=3)
    held = order(points=Holding(pending=100, held=100), vests_at=vests)
    plan = order_postings(held, Target(60, 0), NOTHING, NOW)
    assert rows(plan) == [("points", "pending", -40, "takeback", "takeback-pending")]
    assert (plan.order.points, plan.order.vests_at) == (Holding(60, 60), vests)


def test_new_available_earnings_settle_debt_first():
    plan = order_postings(order(), Target(100, 0), MemberBalances(points=Balance(available=0, debt=30)), NOW)
    assert rows(plan) == [
        ("points", "available", 100, "earn", "earn"),
        ("points", "available", -30, "settle", "settle"),
        ("points", "debt", -30, "settle", "settle-debt"),
    ]
    assert plan.balances.points == Balance(available=70, debt=0)


def test_vesting_moves_pending_to_available_and_settles_debt():
    due = order(points=Holding(40, 40), cashback=Holding(500, 500), vests_at=NOW - timedelta(minutes=1))
    plan = order_postings(due, Target(40, 500), MemberBalances(cashback=Balance(available=0, debt=200)), NOW)
    assert rows(plan) == [
        ("points", "pending", -40, "vest", "vest-out"),
        ("points", "available", 40, "vest", "vest-in"),
        ("cashback", "pending", -500, "vest", "vest-out"),
        ("cashback", "available", 500, "vest", "vest-in"),
        ("cashback", "available", -200, "settle", "settle"),
        ("cashback", "debt", -200, "settle", "settle-debt"),
    ]
    assert (plan.order.points, plan.order.cashback, plan.order.vests_at) == (Holding(0, 40), Holding(0, 500), None)


def test_an_order_that_holds_its_target_and_is_not_due_posts_nothing():
    waiting = order(points=Holding(40, 40), vests_at=NOW + timedelta(days=1))
    plan = order_postings(waiting, Target(40, 0), NOTHING, NOW)
    assert plan.moves == ()
    assert plan.order == waiting


amounts = st.integers(min_value=0, max_value=10**9)


@given(
    held=st.tuples(amounts, amounts),
    target=st.tuples(amounts, amounts),
    pending_share=st.floats(min_value=0, max_value=1),
    available=st.tuples(amounts, amounts),
    debt=st.tuples(amounts, amounts),
    pending_days=st.sampled_from([0, 14]),
    days_ago=st.integers(min_value=0, max_value=30),
)
def test_any_reconciliation_reaches_the_target_and_keeps_balances_whole(
    held, target, pending_share, available, debt, pending_days, days_ago
):
    pending = [int(h * pending_share) for h in held]
    start = order(
        Holding(pending[0], held[0]),
        Holding(pending[1], held[1]),
        vests_at=NOW + timedelta(days=1) if any(pending) else None,
        pending_days=pending_days,
        paid_at=NOW - timedelta(days=days_ago),
    )
    balances = MemberBalances(Balance(available[0], debt[0]), Balance(available[1], debt[1]))
    plan = order_postings(start, Target(*target), balances, NOW)
    for index, account in enumerate(ACCOUNTS):
        moves = [m.posting for m in plan.moves if m.posting.account == account]
        # What the member has (pending + available - owed) moves by exactly the order's change.
        net = sum(p.amount if p.state != "debt" else -p.amount for p in moves)
        assert net == target[index] - held[index]
        assert plan.order.holding(account).held == target[index]
        after = plan.balances.of(account)
        assert after.available >= 0 and after.debt >= 0
        assert 0 <= plan.order.holding(account).pending <= plan.order.holding(account).held
    assert len({m.posting.key for m in plan.moves}) == len(plan.moves)  # one idempotency key each

"""The posting arithmetic of an order, as one pure function over small values (no database): from
what the order's entries hold, what it should hold and the member's balances, the entries to append.

Earn the difference (pending for the order's pending days, else available), take back a decrease
(pending first, then available, the rest owed), settle debt with every new available amount, and
vest the pending amounts once their day has come. `orders.py` reads the values from the rows,
calls `order_postings` and hands the postings to the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from .earning import Target, split_earning, split_takeback

Account = Literal["points", "cashback"]
ACCOUNTS: tuple[Account, ...] = ("points", "cashback")


@dataclass(frozen=True)
class Posting:
    """One movement to append to the ledger: account, state, signed amount, kind, idempotency key."""

    account: str
    state: str
    amount: int
    kind: str
    key: str


@dataclass(frozen=True)
class Holding:
    """What an order's entries hold in one account: in all (`held`), and of it still pending."""

    pending: int = 0
    held: int = 0


@dataclass(frozen=True)
class OrderState:
    """The order as its postings see it. `revision` makes this reconciliation's keys unique."""

    platform_order_id: str
    revision: int
    points: Holding
    cashback: Holding
    vests_at: datetime | None = None
    pending_days: int = 0
    paid_at: datetime | None = None
    # "fulfilled": the pending days count from fulfilment, and earnings stay pending until then.
    pending_from: str = "paid"
    fulfilled_at: datetime | None = None

    def holding(self, account: Account) -> Holding:
        return self.points if account == "points" else self.cashback

    def holding_set(self, account: Account, holding: Holding) -> OrderState:
        return replace(self, points=holding) if account == "points" else replace(self, cashback=holding)

    def key(self, account: Account, part: str) -> str:
        return f"order:{self.platform_order_id}:r{self.revision}:{account}:{part}"


@dataclass(frozen=True)
class Balance:
    """A member's account as takebacks and debt settlement read it."""

    available: int = 0
    debt: int = 0


@dataclass(frozen=True)
class MemberBalances:
    points: Balance = Balance()
    cashback: Balance = Balance()

    def of(self, account: Account) -> Balance:
        return self.points if account == "points" else self.cashback

    def moved(self, posting: Posting) -> MemberBalances:
        """The balances once `posting` is appended (pending amounts are not read here)."""
        account: Account = "points" if posting.account == "points" else "cashback"
        before = self.of(account)
        if posting.state == "available":
            after = replace(before, available=before.available + posting.amount)
        elif posting.state == "debt":
            after = replace(before, debt=before.debt + posting.amount)
        else:
            return self
        return replace(self, points=after) if account == "points" else replace(self, cashback=after)


@dataclass(frozen=True)
class Move:
    posting: Posting
    available_at: datetime | None = None  # when a pending amount vests


@dataclass(frozen=True)
class Plan:
    """The postings to append, in order, and the order and balances once they are."""

    order: OrderState
    balances: MemberBalances
    moves: tuple[Move, ...] = field(default=())

    def add(self, posting: Posting, available_at: datetime | None = None) -> Plan:
        moves = (*self.moves, Move(posting, available_at))
        return replace(self, moves=moves, balances=self.balances.moved(posting))


def order_postings(order: OrderState, target: Target, balances: MemberBalances, now: datetime) -> Plan:
    """Move the order from what it holds to `target`, account by account, then vest if due."""
    plan = Plan(order, balances)
    wanted: dict[Account, int] = {"points": target.points, "cashback": target.cashback}
    for account in ACCOUNTS:
        delta = wanted[account] - order.holding(account).held
        if delta > 0:
            plan = _earn(plan, account, delta, now)
        elif delta < 0:
            plan = _take_back(plan, account, -delta)
    plan = _date_fulfilled(plan)
    if plan.order.vests_at is not None and plan.order.vests_at <= now:
        plan = _vest(plan)
    return plan


def _waits_for_fulfilment(order: OrderState) -> bool:
    return order.pending_from == "fulfilled"


def _pending_start(order: OrderState, now: datetime) -> datetime | None:
    """When the pending days start counting: payment, or fulfilment (None: not fulfilled yet)."""
    if _waits_for_fulfilment(order):
        return order.fulfilled_at
    return order.paid_at or now


def _date_fulfilled(plan: Plan) -> Plan:
    """Pending amounts waiting for fulfilment get their vesting day once the order is fulfilled."""
    order = plan.order
    pending = order.points.pending > 0 or order.cashback.pending > 0
    if not _waits_for_fulfilment(order) or order.fulfilled_at is None or order.vests_at is not None or not pending:
        return plan
    return replace(plan, order=replace(order, vests_at=order.fulfilled_at + timedelta(days=order.pending_days)))


def needs_vest_date(order: OrderState) -> bool:
    """A fulfilled order whose pending amounts have no vesting day yet (reconcile must post)."""
    return _date_fulfilled(Plan(order, MemberBalances())).order.vests_at != order.vests_at


def _earn(plan: Plan, account: Account, amount: int, now: datetime) -> Plan:
    order = plan.order
    holding = order.holding(account)
    posting_key = order.key(account, "earn")
    if order.pending_days > 0 or _waits_for_fulfilment(order):
        start = _pending_start(order, now)
        vests_at = start + timedelta(days=order.pending_days) if start is not None else None
        plan = plan.add(Posting(account, "pending", amount, "earn", posting_key), vests_at)
        order = replace(order.holding_set(account, Holding(holding.pending + amount, holding.held)), vests_at=vests_at)
    else:
        plan = _settle_debt(plan.add(Posting(account, "available", amount, "earn", posting_key)), account, amount)
    held = order.holding(account)
    return replace(plan, order=order.holding_set(account, Holding(held.pending, held.held + amount)))


def _settle_debt(plan: Plan, account: Account, amount: int) -> Plan:
    """New available earnings first pay back what earlier takebacks could not take."""
    settle, _ = split_earning(amount, plan.balances.of(account).debt)
    if settle == 0:
        return plan
    for state, part in (("available", "settle"), ("debt", "settle-debt")):
        plan = plan.add(Posting(account, state, -settle, "settle", plan.order.key(account, part)))
    return plan


def _take_back(plan: Plan, account: Account, amount: int) -> Plan:
    """Pending first, then available; what the member no longer has is recorded as owed."""
    order = plan.order
    holding = order.holding(account)
    split = split_takeback(amount, holding.pending, plan.balances.of(account).available)
    for state, value in (("pending", -split.from_pending), ("available", -split.from_available), ("debt", split.owed)):
        if value:
            plan = plan.add(Posting(account, state, value, "takeback", order.key(account, f"takeback-{state}")))
    order = order.holding_set(account, Holding(holding.pending - split.from_pending, holding.held - amount))
    if order.points.pending == 0 and order.cashback.pending == 0:
        order = replace(order, vests_at=None)
    return replace(plan, order=order)


def _vest(plan: Plan) -> Plan:
    """Move the order's pending points and cashback to available."""
    for account in ACCOUNTS:
        order = plan.order
        pending = order.holding(account).pending
        if pending <= 0:
            continue
        plan = plan.add(Posting(account, "pending", -pending, "vest", order.key(account, "vest-out")))
        plan = plan.add(Posting(account, "available", pending, "vest", order.key(account, "vest-in")))
        plan = replace(plan, order=order.holding_set(account, Holding(0, order.holding(account).held)))
        plan = _settle_debt(plan, account, pending)
    return replace(plan, order=replace(plan.order, vests_at=None))

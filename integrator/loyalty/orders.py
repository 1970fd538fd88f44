"""Orders are reconciled, not replayed: from the newest snapshot, compute what the order should
hold, compare with what its entries hold, and post the difference (DESIGN.md, "The ledger")."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base import Customer, Refund
from connectors.base import Order as OrderSnapshot

from . import earning
from .coupons import issue_unboxing_coupon
from .ledger import Posting, lock_member, post_many
from .members import enroll, find_member, update_profile
from .models import Member, Order, OrderRefund, Shop, utcnow
from .money import to_minor
from .rows import insert_ignore, upsert_locked
from .settings import current_settings, rates_of


@dataclass(frozen=True)
class Outcome:
    order_id: int
    points: int  # change posted by this call
    cashback: int
    stale: bool = False
    member_id: int | None = None
    coupon_id: int | None = None  # an unboxing coupon this call recorded, to make on the store


def _order_row(session: Session, shop: Shop, platform_order_id: str, currency: str) -> Order:
    """The order's row, created if new, locked for this transaction."""
    now = utcnow()
    values = {
        "shop_id": shop.id,
        "platform_order_id": platform_order_id,
        "currency": currency,
        "basis_minor": 0,
        "refunded_in_snapshot": [],
        "status": "unknown",
        "points_pending": 0,
        "points_held": 0,
        "cashback_pending": 0,
        "cashback_held": 0,
        "revision": 0,
        "created_at": now,
        "updated_at": now,
    }
    order: Order = upsert_locked(session, Order, values, ["shop_id", "platform_order_id"], touch="updated_at")
    # Created by this very statement: no refund can be recorded for it (record_refund creates the
    # order's row itself, after the refund), so reconcile need not look for any.
    session.info.setdefault("new_orders", set()).discard(order.id)
    if order.created_at == now:
        session.info["new_orders"].add(order.id)
    return order


def _is_stale(order: Order, snapshot: OrderSnapshot) -> bool:
    if order.snapshot_at is None or snapshot.updated_at is None:
        return False
    return snapshot.updated_at < order.snapshot_at


def record_order(session: Session, shop: Shop, snapshot: OrderSnapshot) -> Outcome:
    """Take in a snapshot of an order (create, paid, updated, cancelled: all the same) and reconcile."""
    order = _order_row(session, shop, snapshot.platform_order_id, shop.currency)
    if _is_stale(order, snapshot):
        return Outcome(order.id, 0, 0, stale=True)
    settings = current_settings(shop)
    status = snapshot.status
    if snapshot.test and not settings["award_test_orders"]:
        status = "test"
    order.status = status
    order.basis_minor = to_minor(snapshot.basis, shop.currency)
    order.refunded_in_snapshot = sorted(snapshot.refund_ids)
    order.snapshot_at = snapshot.updated_at or order.snapshot_at
    order.name = snapshot.name or order.name
    if snapshot.discount_codes is not None:
        order.discount_codes = list(snapshot.discount_codes) or None
    if status == "paid" and order.paid_at is None:
        order.paid_at = snapshot.paid_at or utcnow()
    if snapshot.customer is not None and order.member_id is None:
        order.member_id = enroll(session, shop, snapshot.customer).id
    outcome = reconcile(session, shop, order)
    return replace(outcome, member_id=order.member_id, coupon_id=issue_unboxing_coupon(session, shop, order))


def record_refund(session: Session, shop: Shop, refund: Refund) -> Outcome | None:
    """Remember a refund by its id; reconcile its order if the order is known already."""
    insert_ignore(
        session,
        OrderRefund,
        {
            "shop_id": shop.id,
            "platform_order_id": refund.platform_order_id,
            "platform_refund_id": refund.platform_refund_id,
            "basis_minor": to_minor(refund.basis, shop.currency),
            "created_at": utcnow(),
        },
        ["shop_id", "platform_refund_id"],
    )
    order = _order_row(session, shop, refund.platform_order_id, shop.currency)
    return reconcile(session, shop, order)


def _unseen_refunds(session: Session, order: Order) -> list[int]:
    if order.id in session.info.get("new_orders", ()):
        return []
    seen = set(order.refunded_in_snapshot or [])
    refunds = session.execute(
        select(OrderRefund.platform_refund_id, OrderRefund.basis_minor).where(
            OrderRefund.shop_id == order.shop_id, OrderRefund.platform_order_id == order.platform_order_id
        )
    ).all()
    return [basis for refund_id, basis in refunds if refund_id not in seen]


def _fix_rates(shop: Shop, order: Order) -> earning.Rates:
    if order.points_per_unit is None or order.cashback_percent is None:
        rates = rates_of(shop)
        order.points_per_unit = format(rates.points_per_unit, "f")
        order.cashback_percent = format(rates.cashback_percent, "f")
        order.pending_days = int(current_settings(shop)["pending_days"])
    return earning.Rates(Decimal(order.points_per_unit), Decimal(order.cashback_percent))


def target_of(session: Session, shop: Shop, order: Order) -> earning.Target:
    basis = earning.basis_after_refunds(order.basis_minor, _unseen_refunds(session, order))
    if order.status not in earning.EARNING_STATUSES or basis <= 0:
        return earning.Target(0, 0)
    return earning.target_for(basis, order.currency, order.status, _fix_rates(shop, order))


def reconcile(session: Session, shop: Shop, order: Order) -> Outcome:
    """Post the difference between what the order should hold and what it holds."""
    if order.member_id is None:
        return Outcome(order.id, 0, 0)
    target = target_of(session, shop, order)
    delta_points = target.points - order.points_held
    delta_cashback = target.cashback - order.cashback_held
    if delta_points == 0 and delta_cashback == 0:
        return Outcome(order.id, 0, 0)
    view = Balances(lock_member(session, order.member_id))
    order.revision += 1
    for account, delta in (("points", delta_points), ("cashback", delta_cashback)):
        if delta > 0:
            _earn(order, view, account, delta)
        elif delta < 0:
            _take_back(order, view, account, -delta)
    if order.vests_at is not None and order.vests_at <= utcnow():
        vest_order(order, view)
    view.write(session, order)
    return Outcome(order.id, delta_points, delta_cashback)


class Balances:
    """The locked member, its balances as this reconciliation moves them, and the postings that do
    it, written together at the end (one INSERT, one UPDATE: ledger.post_many). Tracking the
    numbers here lets takebacks and debt settlement read current values without writing ORM
    attributes (which would overwrite the SQL increments)."""

    def __init__(self, member: Member) -> None:
        self.member = member
        self.postings: list[tuple[Posting, datetime | None]] = []
        self.values = {
            f"{account}_{state}": getattr(member, f"{account}_{state}")
            for account in ("points", "cashback")
            for state in ("available", "debt")
        }

    def get(self, account: str, state: str) -> int:
        return self.values[f"{account}_{state}"]

    def add(self, posting: Posting, available_at: datetime | None = None) -> None:
        self.postings.append((posting, available_at))
        if posting.state != "pending":
            self.values[f"{posting.account}_{posting.state}"] += posting.amount

    def write(self, session: Session, order: Order) -> None:
        post_many(session, self.member, self.postings, "order", order.platform_order_id)
        self.postings = []


def _key(order: Order, account: str, part: str) -> str:
    return f"order:{order.platform_order_id}:r{order.revision}:{account}:{part}"


def _earn(order: Order, view: Balances, account: str, amount: int) -> None:
    pending_days = order.pending_days or 0
    if pending_days > 0:
        vests_at = (order.paid_at or utcnow()) + timedelta(days=pending_days)
        view.add(Posting(account, "pending", amount, "earn", _key(order, account, "earn")), vests_at)
        setattr(order, f"{account}_pending", getattr(order, f"{account}_pending") + amount)
        order.vests_at = vests_at
    else:
        view.add(Posting(account, "available", amount, "earn", _key(order, account, "earn")))
        _settle_debt(order, view, account, amount)
    setattr(order, f"{account}_held", getattr(order, f"{account}_held") + amount)


def _settle_debt(order: Order, view: Balances, account: str, amount: int) -> None:
    """New available earnings first pay back what earlier takebacks could not take."""
    settle, _ = earning.split_earning(amount, view.get(account, "debt"))
    if settle == 0:
        return
    for state, part in (("available", "settle"), ("debt", "settle-debt")):
        view.add(Posting(account, state, -settle, "settle", _key(order, account, part)))


def _take_back(order: Order, view: Balances, account: str, amount: int) -> None:
    """Pending first, then available; what the member no longer has is recorded as owed."""
    split = earning.split_takeback(amount, getattr(order, f"{account}_pending"), view.get(account, "available"))
    parts = (("pending", -split.from_pending), ("available", -split.from_available), ("debt", split.owed))
    for state, value in parts:
        if value:
            view.add(Posting(account, state, value, "takeback", _key(order, account, f"takeback-{state}")))
    setattr(order, f"{account}_pending", getattr(order, f"{account}_pending") - split.from_pending)
    setattr(order, f"{account}_held", getattr(order, f"{account}_held") - amount)
    if order.points_pending == 0 and order.cashback_pending == 0:
        order.vests_at = None


def vest_order(order: Order, view: Balances) -> None:
    """Move the order's pending points and cashback to available (written by view.write)."""
    for account in ("points", "cashback"):
        pending = getattr(order, f"{account}_pending")
        if pending <= 0:
            continue
        view.add(Posting(account, "pending", -pending, "vest", _key(order, account, "vest-out")))
        view.add(Posting(account, "available", pending, "vest", _key(order, account, "vest-in")))
        setattr(order, f"{account}_pending", 0)
        _settle_debt(order, view, account, pending)
    order.vests_at = None


def vest_due(session: Session, now: datetime | None = None, limit: int = 500) -> int:
    """Vest every order whose pending period has passed; returns how many orders vested."""
    moment = now or utcnow()
    ids = (
        session.execute(select(Order.id).where(Order.vests_at.is_not(None), Order.vests_at <= moment).limit(limit))
        .scalars()
        .all()
    )
    vested = 0
    for order_id in ids:
        order = session.execute(
            select(Order)
            .where(Order.id == order_id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        ).scalar_one()
        if order.vests_at is None or order.vests_at > moment or order.member_id is None:
            continue
        order.revision += 1
        view = Balances(lock_member(session, order.member_id))
        vest_order(order, view)
        view.write(session, order)
        vested += 1
    return vested


def update_customer(session: Session, shop: Shop, customer: Customer) -> Member | None:
    """customers/create and customers/update refresh a member's details; they never enrol."""
    member = find_member(session, shop.id, customer.platform_customer_id)
    if member is not None:
        update_profile(member, customer)
    return member

"""Orders are reconciled, not replayed: from the newest snapshot, compute what the order should
hold, compare with what its entries hold, and post the difference (DESIGN.md, "The ledger")."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base import Customer, Refund
from connectors.base import Order as OrderSnapshot

from . import earning, referral_orders, tier_status
from .bonuses import take_customer
from .boost import boost_for
from .coupons import issue_unboxing_coupon
from .ledger import lock_member, post_many
from .members import enroll
from .models import Member, Order, OrderRefund, Shop, utcnow
from .money import from_minor, to_minor
from .order_events import record_order_events
from .postings import Balance, Holding, MemberBalances, OrderState, needs_vest_date, order_postings
from .rows import insert_ignore, upsert_locked
from .settings import current_settings, rates_of
from .unboxing import note_redemptions


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
        note_redemptions(session, shop, order)
    if snapshot.product_ids is not None and order.points_per_unit is None:
        order.product_ids = sorted(set(snapshot.product_ids)) or None
    newly_paid = status == "paid" and order.paid_at is None
    if newly_paid:
        order.paid_at = snapshot.paid_at or utcnow()
    if snapshot.fulfilled_at is not None and order.fulfilled_at is None:
        order.fulfilled_at = snapshot.fulfilled_at
    if snapshot.customer is not None and order.member_id is None:
        order.member_id = enroll(session, shop, snapshot.customer).id
    outcome = reconcile(session, shop, order)
    referral_orders.on_order(session, shop, order, snapshot, newly_paid)
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
    outcome = reconcile(session, shop, order)
    referral_orders.on_refund(session, shop, order)
    return outcome


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


def _fix_rates(session: Session, shop: Shop, order: Order, basis: int) -> earning.Rates:
    """At the first earning, fix on the order the shop's rates and what its member's tier and the
    running campaigns add (boost.py), under the member's lock: later changes rewrite no history."""
    if order.points_per_unit is None or order.cashback_percent is None:
        rates = rates_of(shop)
        order.points_per_unit = format(rates.points_per_unit, "f")
        order.cashback_percent = format(rates.cashback_percent, "f")
        settings = current_settings(shop)
        order.pending_days = int(settings["pending_days"])
        order.pending_from = str(settings["pending_from"])
        member = lock_member(session, order.member_id) if order.member_id is not None else None
        at = order.paid_at or utcnow()
        boost = boost_for(session, shop.id, member, at, from_minor(basis, order.currency), order.product_ids)
        order.multiplier = format(boost.multiplier, "f")
        order.bonus_points = boost.bonus_points
        order.tier_id = boost.tier_id
        order.campaign_ids = list(boost.campaign_ids) or None
    return earning.Rates(Decimal(order.points_per_unit), Decimal(order.cashback_percent))


def target_of(session: Session, shop: Shop, order: Order) -> earning.Target:
    basis = earning.basis_after_refunds(order.basis_minor, _unseen_refunds(session, order))
    earns = order.status in earning.EARNING_STATUSES and basis > 0
    order.qualifying_minor = basis if earns else 0
    if not earns:
        return earning.Target(0, 0)
    rates = _fix_rates(session, shop, order, basis)
    multiplier = Decimal(order.multiplier) if order.multiplier is not None else Decimal(1)
    return earning.target_for(basis, order.currency, order.status, rates, multiplier, order.bonus_points or 0)


def reconcile(session: Session, shop: Shop, order: Order) -> Outcome:
    """Post the difference between what the order should hold and what it holds."""
    if order.member_id is None:
        return Outcome(order.id, 0, 0)
    target = target_of(session, shop, order)
    delta_points = target.points - order.points_held
    delta_cashback = target.cashback - order.cashback_held
    if delta_points == 0 and delta_cashback == 0 and not needs_vest_date(_state_of(order)):
        return Outcome(order.id, 0, 0)
    member = lock_member(session, order.member_id)
    order.revision += 1
    _post(session, order, member, target, utcnow())
    # The order that crosses a threshold moves its member up for the orders after it (drops wait
    # for the periodic recalculation: tier_status.py).
    tier_status.promote(session, shop, member)
    return Outcome(order.id, delta_points, delta_cashback)


def _post(session: Session, order: Order, member: Member, target: earning.Target, now: datetime) -> None:
    """Append what `postings.order_postings` says (one INSERT, one UPDATE) and keep its order state.
    The member's balances are read, never written, here: the ledger moves them by SQL increments,
    which writing the ORM attributes would overwrite."""
    balances = MemberBalances(
        Balance(member.points_available, member.points_debt), Balance(member.cashback_available, member.cashback_debt)
    )
    plan = order_postings(_state_of(order), target, balances, now)
    moves = [(move.posting, move.available_at) for move in plan.moves]
    post_many(session, member, moves, "order", order.platform_order_id)
    record_order_events(session, order, plan.moves)
    order.points_pending, order.points_held = plan.order.points.pending, plan.order.points.held
    order.cashback_pending, order.cashback_held = plan.order.cashback.pending, plan.order.cashback.held
    order.vests_at = plan.order.vests_at


def _state_of(order: Order) -> OrderState:
    return OrderState(
        order.platform_order_id,
        order.revision,
        Holding(order.points_pending, order.points_held),
        Holding(order.cashback_pending, order.cashback_held),
        order.vests_at,
        order.pending_days or 0,
        order.paid_at,
        order.pending_from or "paid",
        order.fulfilled_at,
    )


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
        held = earning.Target(order.points_held, order.cashback_held)  # nothing to earn: only vest
        _post(session, order, lock_member(session, order.member_id), held, moment)
        vested += 1
    return vested


def update_customer(session: Session, shop: Shop, customer: Customer) -> Member | None:
    """A customer delivery: an account enrols (with the sign-up bonus, once); any other record
    refreshes a member's details (bonuses.take_customer)."""
    return take_customer(session, shop, customer)

"""Pre-aggregation for the dashboard: per shop and UTC day, what members, orders and the ledger did,
written to `analytics_days` by a periodic job (the dashboard reads those rows, never the ledger).

A window of days is recomputed whole (deleted and written again in one transaction), so running it
twice changes nothing. The job recomputes the last two days every few minutes and the last
`RECENT_DAYS` every hour (a refund changes the day an order was paid); a shop without any row yet
is backfilled from its first member, order or entry. Days are UTC days.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, insert, literal, select, text
from sqlalchemy.orm import Session

from .models import AnalyticsDay, Coupon, LedgerEntry, Member, Order, Shop, utcnow

RECENT_DAYS = 35
COUNTS = tuple(
    column.name for column in AnalyticsDay.__table__.columns if column.name not in ("shop_id", "day", "computed_at")
)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _day(session: Session, column: Any) -> ColumnElement[Any]:
    """The UTC day of a timestamp column: SQLite stores UTC text, PostgreSQL converts explicitly."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column)
    return func.date(func.timezone("UTC", column))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _lock(session: Session, shop_id: int) -> None:
    """One refresh of a shop at a time (PostgreSQL; SQLite serialises writers already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7007, :shop)"), {"shop": shop_id})


def _members(session: Session, shop_id: int, start: datetime, end: datetime, rows: dict[date, dict[str, int]]) -> None:
    day = _day(session, Member.created_at)
    query = (
        select(day, func.count())
        .where(Member.shop_id == shop_id, Member.created_at >= start, Member.created_at < end)
        .group_by(day)
    )
    for value, count in session.execute(query):
        rows[_as_date(value)]["members_enrolled"] += count


def _paid_orders(session: Session, shop_id: int, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [Order.shop_id == shop_id, Order.status == "paid", Order.paid_at >= start, Order.paid_at < end]


def _orders(session: Session, shop_id: int, start: datetime, end: datetime, rows: dict[date, dict[str, int]]) -> None:
    day = _day(session, Order.paid_at)
    guest = Order.member_id.is_(None)
    query = (
        select(
            day,
            guest,
            func.count(),
            func.coalesce(func.sum(Order.basis_minor), 0),
            func.count(Order.member_id.distinct()),
        )
        .where(*_paid_orders(session, shop_id, start, end))
        .group_by(day, guest)
    )
    for value, is_guest, count, revenue, buyers in session.execute(query):
        row = rows[_as_date(value)]
        who = "guest" if is_guest else "member"
        row[f"{who}_orders"] += count
        row[f"{who}_revenue"] += int(revenue)
        if not is_guest:
            row["members_buying"] += buyers


def _coupon_orders(
    session: Session, shop_id: int, start: datetime, end: datetime, rows: dict[date, dict[str, int]]
) -> None:
    """Paid orders that used a Setia coupon: their codes matched, case-insensitively (WooCommerce
    lowercases codes), against the shop's coupons."""
    day = _day(session, Order.paid_at)
    query = select(day, Order.basis_minor, Order.discount_codes).where(
        *_paid_orders(session, shop_id, start, end), Order.discount_codes.is_not(None)
    )
    orders = [
        (_as_date(value), basis, [str(code).upper() for code in codes or []])
        for value, basis, codes in session.execute(query)
    ]
    codes = {code for _, _, used in orders for code in used}
    kinds = _coupon_kinds(session, shop_id, codes)
    for value, basis, used in orders:
        for kind in ("reward", "unboxing"):
            if any(kinds.get(code) == kind for code in used):
                rows[value][f"{kind}_orders"] += 1
                rows[value][f"{kind}_revenue"] += basis


def _coupon_kinds(session: Session, shop_id: int, codes: set[str]) -> dict[str, str]:
    """Which of these (upper-cased) codes are the shop's coupons: Setia makes its codes in upper case,
    so the unique (shop_id, code) index finds them. A code bought with cashback counts as a reward."""
    kinds: dict[str, str] = {}
    ordered = sorted(codes)
    for first in range(0, len(ordered), 500):
        chunk = ordered[first : first + 500]
        query = select(Coupon.code, Coupon.kind).where(Coupon.shop_id == shop_id, Coupon.code.in_(chunk))
        for code, kind in session.execute(query):
            kinds[code.upper()] = "unboxing" if kind == "unboxing" else "reward"
    return kinds


def _ledger(session: Session, shop_id: int, start: datetime, end: datetime, rows: dict[date, dict[str, int]]) -> None:
    day = _day(session, LedgerEntry.created_at)
    positive = case((LedgerEntry.amount > 0, literal(1)), else_=literal(0))
    query = (
        select(
            day,
            LedgerEntry.account,
            LedgerEntry.state,
            LedgerEntry.kind,
            positive,
            func.sum(LedgerEntry.amount),
            func.count(),
        )
        .where(LedgerEntry.shop_id == shop_id, LedgerEntry.created_at >= start, LedgerEntry.created_at < end)
        .group_by(day, LedgerEntry.account, LedgerEntry.state, LedgerEntry.kind, positive)
    )
    for value, account, state, kind, is_positive, amount, count in session.execute(query):
        add_entries(rows[_as_date(value)], account, state, kind, bool(is_positive), int(amount), int(count))


def add_entries(
    row: dict[str, int], account: str, state: str, kind: str, positive: bool, amount: int, count: int
) -> None:
    """Fold a group of ledger entries (same account, state, kind and sign) into a day's counts.
    Issued: earnings and positive adjustments. Redeemed/spent: redemptions less what a refused
    coupon gave back (and cashback moved to store credit). Net: the change of pending + available."""
    if state in ("pending", "available"):
        row[f"{account}_net"] += amount
    if account == "points":
        if kind == "earn" or (kind == "adjust" and positive):
            row["points_issued"] += amount
        elif kind in ("redeem", "refund"):
            row["points_redeemed"] -= amount
        elif kind == "expire":
            row["points_expired"] -= amount
    elif account == "cashback":
        if kind == "earn" or (kind == "adjust" and positive):
            row["cashback_issued"] += amount
        elif kind in ("redeem", "refund", "transfer"):
            row["cashback_spent"] -= amount
    if kind == "redeem":
        row["redemptions"] += count
    elif kind == "refund":
        row["redemptions"] -= count


def refresh_days(session: Session, shop_id: int, first: date, last: date, now: datetime | None = None) -> int:
    """Recompute the days first..last (inclusive) of one shop; returns how many rows it wrote."""
    _lock(session, shop_id)
    start, end = day_start(first), day_start(last + timedelta(days=1))
    rows: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    _members(session, shop_id, start, end, rows)
    _orders(session, shop_id, start, end, rows)
    _coupon_orders(session, shop_id, start, end, rows)
    _ledger(session, shop_id, start, end, rows)
    session.execute(delete(AnalyticsDay).where(AnalyticsDay.shop_id == shop_id, AnalyticsDay.day.between(first, last)))
    moment = now or utcnow()
    values = []
    day = first
    while day <= last:
        values.append({"shop_id": shop_id, "day": day, **rows[day], "computed_at": moment})
        day += timedelta(days=1)
    for chunk in range(0, len(values), 1000):
        session.execute(insert(AnalyticsDay), values[chunk : chunk + 1000])
    return len(values)


def first_day(session: Session, shop_id: int) -> date | None:
    """The first day the shop had a member, a paid order or an entry (indexes make each a lookup)."""
    candidates = [
        session.execute(select(func.min(Member.created_at)).where(Member.shop_id == shop_id)).scalar(),
        session.execute(
            select(func.min(Order.paid_at)).where(Order.shop_id == shop_id, Order.paid_at.is_not(None))
        ).scalar(),
        session.execute(select(func.min(LedgerEntry.created_at)).where(LedgerEntry.shop_id == shop_id)).scalar(),
    ]
    moments = [moment for moment in candidates if moment is not None]
    return min(moments).astimezone(UTC).date() if moments else None


def refresh_shop(session: Session, shop_id: int, days: int, now: datetime | None = None) -> int:
    """The last `days` days up to today, or the whole history when the shop has no row yet."""
    moment = now or utcnow()
    today = moment.astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    known = session.execute(select(func.count()).where(AnalyticsDay.shop_id == shop_id)).scalar_one()
    if not known:
        first = min(first, first_day(session, shop_id) or first)
    return refresh_days(session, shop_id, first, today, moment)


def rebuild_shop(session: Session, shop_id: int, now: datetime | None = None) -> int:
    """Every day of the shop's history again, from its first member, order or entry to today."""
    moment = now or utcnow()
    today = moment.astimezone(UTC).date()
    session.execute(delete(AnalyticsDay).where(AnalyticsDay.shop_id == shop_id))
    return refresh_days(session, shop_id, min(first_day(session, shop_id) or today, today), today, moment)


def shops_to_refresh(session: Session) -> list[int]:
    return list(session.execute(select(Shop.id).where(Shop.uninstalled_at.is_(None)).order_by(Shop.id)).scalars())

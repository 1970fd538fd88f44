"""What the dashboard shows "as of now": repeat purchases, active members, the RFM segments and the
top customers, computed from the members' paid orders by the hourly analytics job into one row per
shop (`analytics_snapshots`), so that the page never groups millions of orders itself.

RFM: each member with a paid order gets a recency score (their last paid order), a frequency score
(paid orders) and a monetary score (revenue) from 1 to 5 by quintile of rank: score = 1 + 5·(rank − 1)
div N, where members with equal values share the lowest rank (so equal values get equal scores).
Segments by R and F: champions R≥4 F≥4; loyal R≥3 F≥3; new R≥4 F≤2; at risk R≤2 F≥3; lost R≤2 F≤2;
needs attention R=3 F≤2.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session

from .models import AnalyticsSnapshot, Order, utcnow

ACTIVE_DAYS = 90
TOP_CUSTOMERS = 10
SEGMENTS = ("champions", "loyal", "new", "needs_attention", "at_risk", "lost")


def segment_of(recency: int, frequency: int) -> str:
    if recency >= 4 and frequency >= 4:
        return "champions"
    if recency >= 3 and frequency >= 3:
        return "loyal"
    if recency >= 4:
        return "new"
    if recency <= 2:
        return "at_risk" if frequency >= 3 else "lost"
    return "needs_attention"


def _per_member(shop_id: int) -> Any:
    return (
        select(
            Order.member_id.label("member_id"),
            func.count().label("orders"),
            func.sum(Order.basis_minor).label("revenue"),
            func.max(Order.paid_at).label("last_paid"),
        )
        .where(Order.shop_id == shop_id, Order.status == "paid", Order.member_id.is_not(None))
        .group_by(Order.member_id)
        .subquery()
    )


def _score(column: Any) -> Any:
    rank = func.rank().over(order_by=column)
    return literal(1) + (literal(5) * (rank - 1)) // func.count().over()


def _grid_query(per_member: Any, active_since: datetime) -> Select[Any]:
    scored = select(
        per_member.c.orders,
        per_member.c.revenue,
        per_member.c.last_paid,
        _score(per_member.c.last_paid).label("r"),
        _score(per_member.c.orders).label("f"),
        _score(per_member.c.revenue).label("m"),
    ).subquery()
    return select(
        scored.c.r,
        scored.c.f,
        func.count(),
        func.sum(case((scored.c.orders >= 2, 1), else_=0)),
        func.sum(case((scored.c.last_paid >= active_since, 1), else_=0)),
        func.sum(scored.c.revenue),
        func.sum(scored.c.m),
    ).group_by(scored.c.r, scored.c.f)


def compute_snapshot(session: Session, shop_id: int, now: datetime | None = None) -> dict[str, Any]:
    moment = now or utcnow()
    per_member = _per_member(shop_id)
    segments = {name: {"members": 0, "revenue": 0, "m_total": 0} for name in SEGMENTS}
    grid: list[list[int]] = []
    buyers = repeaters = active = 0
    for r, f, count, repeat, recent, revenue, m_total in session.execute(
        _grid_query(per_member, moment - timedelta(days=ACTIVE_DAYS))
    ):
        segment = segments[segment_of(int(r), int(f))]
        segment["members"] += int(count)
        segment["revenue"] += int(revenue or 0)
        segment["m_total"] += int(m_total or 0)
        grid.append([int(r), int(f), int(count)])
        buyers, repeaters, active = buyers + int(count), repeaters + int(repeat or 0), active + int(recent or 0)
    top = session.execute(
        select(per_member).order_by(per_member.c.revenue.desc(), per_member.c.member_id).limit(TOP_CUSTOMERS)
    ).all()
    return {
        "buyers": buyers,
        "repeaters": repeaters,
        "active_members": active,
        "active_days": ACTIVE_DAYS,
        "segments": segments,
        "grid": sorted(grid),
        "top": [
            {"member_id": row.member_id, "orders": int(row.orders), "revenue": int(row.revenue or 0)}
            | {"last_paid_at": row.last_paid.isoformat() if isinstance(row.last_paid, datetime) else str(row.last_paid)}
            for row in top
        ],
    }


def refresh_snapshot(session: Session, shop_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Recompute and store the shop's snapshot (one row per shop, replaced)."""
    moment = now or utcnow()
    data = compute_snapshot(session, shop_id, moment)
    row = session.get(AnalyticsSnapshot, shop_id, with_for_update=True)
    if row is None:
        session.add(AnalyticsSnapshot(shop_id=shop_id, data=data, computed_at=moment))
    else:
        row.data, row.computed_at = data, moment
    session.flush()
    return data

"""The dashboard's numbers for a date range, read from the pre-aggregated days and the shop's snapshot
(integrator/loyalty/analytics.py, analytics_snapshot.py): a few hundred small rows, whatever the
size of the ledger.

How a point is valued (outstanding liability): at the cheapest way to spend it, the active
fixed-amount reward with the lowest points cost, value ÷ points cost (e.g. Rp 10.000 for 100 points:
Rp 100 a point). Percentage and free-shipping rewards have no fixed value; with no fixed-amount
reward the points' value is unknown and shown as such. Cashback is money already.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .analytics import COUNTS
from .analytics_snapshot import SEGMENTS
from .models import AnalyticsDay, AnalyticsSnapshot, Member, Reward, Shop
from .money import to_minor

MAX_RANGE_DAYS = 731


@dataclass(frozen=True)
class DaySeries:
    days: list[date]
    values: dict[str, list[int]]


@dataclass
class Report:
    first: date
    last: date
    currency: str
    totals: dict[str, int]
    series: DaySeries
    members_total: int
    points_outstanding: int
    cashback_outstanding: int
    point_value: Decimal | None  # in major units of the currency, per point
    snapshot: dict[str, Any] | None
    snapshot_at: datetime | None
    computed_at: datetime | None
    top: list[dict[str, Any]] = field(default_factory=list)

    @property
    def orders(self) -> int:
        return self.totals["member_orders"] + self.totals["guest_orders"]

    @property
    def revenue(self) -> int:
        return self.totals["member_revenue"] + self.totals["guest_revenue"]


def ratio(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal; None when there is no whole."""
    if whole <= 0:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def average(total_minor: int, count: int) -> int | None:
    """Average in minor units, rounded half up; None for no orders."""
    if count <= 0:
        return None
    return int((Decimal(total_minor) / count).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def point_value(rewards: list[tuple[int, str, str]]) -> Decimal | None:
    """(points_cost, kind, value) of the active rewards → the value of one point (see the module doc)."""
    fixed = [(cost, Decimal(value)) for cost, kind, value in rewards if kind == "fixed_amount" and cost > 0]
    if not fixed:
        return None
    cost, value = min(fixed, key=lambda reward: (reward[0], reward[1]))
    return value / cost


def liability_minor(points: int, value: Decimal | None, currency: str) -> int | None:
    if value is None:
        return None
    return to_minor(value * points, currency)


def _series(rows: list[AnalyticsDay], first: date, last: date) -> DaySeries:
    by_day = {row.day: row for row in rows}
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    values = {name: [getattr(by_day[day], name) if day in by_day else 0 for day in days] for name in COUNTS}
    return DaySeries(days, values)


def _through(session: Session, shop_id: int, last: date) -> tuple[int, int, int]:
    """Members enrolled, points and cashback outstanding at the end of `last`: the sums of every day."""
    row = session.execute(
        select(
            func.coalesce(func.sum(AnalyticsDay.members_enrolled), 0),
            func.coalesce(func.sum(AnalyticsDay.points_net), 0),
            func.coalesce(func.sum(AnalyticsDay.cashback_net), 0),
        ).where(AnalyticsDay.shop_id == shop_id, AnalyticsDay.day <= last)
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def _top(session: Session, shop_id: int, snapshot: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The snapshot's top customers with their names as they are now (an erased member has none)."""
    entries = (snapshot or {}).get("top") or []
    ids = [entry["member_id"] for entry in entries]
    members = {
        member.id: member
        for member in session.execute(select(Member).where(Member.shop_id == shop_id, Member.id.in_(ids))).scalars()
    }
    top = []
    for entry in entries:
        member = members.get(entry["member_id"])
        if member is None:
            continue
        name = " ".join(part for part in (member.first_name, member.last_name) if part) or None
        top.append({**entry, "name": name, "email": member.email, "points": member.points_available})
    return top


def build_report(session: Session, shop: Shop, first: date, last: date) -> Report:
    rows = list(
        session.execute(
            select(AnalyticsDay).where(AnalyticsDay.shop_id == shop.id, AnalyticsDay.day.between(first, last))
        ).scalars()
    )
    series = _series(rows, first, last)
    totals = {name: sum(values) for name, values in series.values.items()}
    members_total, points, cashback = _through(session, shop.id, last)
    rewards = session.execute(
        select(Reward.points_cost, Reward.kind, Reward.value).where(Reward.shop_id == shop.id, Reward.active.is_(True))
    ).all()
    snapshot_row = session.get(AnalyticsSnapshot, shop.id)
    snapshot = snapshot_row.data if snapshot_row is not None else None
    computed = session.execute(
        select(func.max(AnalyticsDay.computed_at)).where(AnalyticsDay.shop_id == shop.id)
    ).scalar_one_or_none()
    return Report(
        first=first,
        last=last,
        currency=shop.currency,
        totals=totals,
        series=series,
        members_total=members_total,
        points_outstanding=points,
        cashback_outstanding=cashback,
        point_value=point_value([(int(c), k, v) for c, k, v in rewards]),
        snapshot=snapshot,
        snapshot_at=snapshot_row.computed_at if snapshot_row is not None else None,
        computed_at=computed,
        top=_top(session, shop.id, snapshot),
    )


def segments_of(snapshot: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The RFM segments in a fixed order, with their share of buying members and average spend."""
    data = (snapshot or {}).get("segments") or {}
    buyers = int((snapshot or {}).get("buyers") or 0)
    out = []
    for name in SEGMENTS:
        segment = data.get(name) or {"members": 0, "revenue": 0}
        members = int(segment["members"])
        out.append(
            {
                "name": name,
                "members": members,
                "share": ratio(members, buyers),
                "revenue": int(segment["revenue"]),
                "average": average(int(segment["revenue"]), members),
            }
        )
    return out


CSV_COLUMNS = ("day", *COUNTS)
MONEY_COLUMNS = frozenset(name for name in COUNTS if name.endswith("_revenue") or name.startswith("cashback_"))

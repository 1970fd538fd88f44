"""Which tier a member holds (CONTRACT.md, tiers): what counts toward a threshold, when a member
moves up or down, and the change recorded (tier_changes, the `tier.changed` event).

- Counts: with `tiers.basis` spend, the earning bases of the member's paid orders (paid time in the
  window), net of refunds (`orders.qualifying_minor`); with points, the points earned in the window
  (orders, bonuses and positive adjustments, multipliers included), net of takebacks. Spending points
  counts for nothing, so it never drops a tier.
- Windows (`tiers.window`, in the shop's time zone): lifetime; rolling_year (the last 365 days);
  calendar_year (since 1 January).
- Up: at once, when an order's earning takes the member over a threshold (`promote`, called by the
  order's reconciliation), so the orders after it earn at the new tier.
- Down: only at a recalculation (`recalculate`, the hourly periodic job). A member keeps a tier for
  the window after qualifying (lifetime: for good; rolling_year: 365 days; calendar_year: the rest of
  that year and the next) as long as what counted then, as it stands now (refunds included), still
  reaches the threshold: a refund of the qualifying order drops the tier at the next recalculation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from . import domain_events
from .models import LedgerEntry, Member, Order, Shop, Tier, TierChange, utcnow
from .money import format_minor_string, from_minor, to_minor
from .settings import current_settings
from .tier_gift import give_entry_gift

YEAR = timedelta(days=365)


def zone_of(shop: Shop) -> ZoneInfo:
    """The shop's time zone (UTC when unknown or not a zone name)."""
    try:
        return ZoneInfo(shop.timezone) if shop.timezone else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def tiers_of(session: Session, shop_id: int) -> list[Tier]:
    """The shop's tiers, lowest threshold first."""
    found = session.execute(select(Tier).where(Tier.shop_id == shop_id)).scalars().all()
    return sorted(found, key=lambda tier: (Decimal(tier.threshold), tier.id))


def window_start(window: str, at: datetime, zone: ZoneInfo) -> datetime | None:
    if window == "rolling_year":
        return at - YEAR
    if window == "calendar_year":
        local = at.astimezone(zone)
        return datetime(local.year, 1, 1, tzinfo=zone).astimezone(UTC)
    return None  # lifetime


def kept_until(window: str, qualified_at: datetime, zone: ZoneInfo) -> datetime | None:
    """How long a tier qualified for at `qualified_at` is kept (None: for good)."""
    if window == "rolling_year":
        return qualified_at + YEAR
    if window == "calendar_year":
        local = qualified_at.astimezone(zone)
        return datetime(local.year + 2, 1, 1, tzinfo=zone).astimezone(UTC)
    return None


def qualifying(session: Session, shop: Shop, member_id: int, at: datetime) -> Decimal:
    """What counts toward a threshold for the window ending at `at` (shop currency, or points)."""
    session.flush()  # the order's qualifying basis and entries, just written (sessions do not autoflush)
    settings = current_settings(shop)["tiers"]
    start = window_start(settings["window"], at, zone_of(shop))
    if settings["basis"] == "points":
        counted = case(
            (LedgerEntry.kind == "earn", LedgerEntry.amount),
            (LedgerEntry.kind == "takeback", -func.abs(LedgerEntry.amount)),
            (LedgerEntry.amount > 0, LedgerEntry.amount),  # adjustments and bonuses credited
            else_=0,
        )
        query = select(func.coalesce(func.sum(counted), 0)).where(
            LedgerEntry.member_id == member_id,
            LedgerEntry.account == "points",
            LedgerEntry.kind.in_(("earn", "takeback", "adjust", "bonus")),
            # Takebacks up to now: what counted at `at`, as it stands now (a later refund lowers it).
            or_(
                and_(LedgerEntry.kind == "takeback", LedgerEntry.created_at <= max(at, utcnow())),
                and_(LedgerEntry.kind != "takeback", LedgerEntry.created_at <= at),
            ),
        )
        if start is not None:
            query = query.where(LedgerEntry.created_at > start)
        return Decimal(int(session.execute(query).scalar_one()))
    spent = select(func.coalesce(func.sum(Order.qualifying_minor), 0)).where(
        Order.member_id == member_id, Order.paid_at.is_not(None), Order.paid_at <= at
    )
    if start is not None:
        spent = spent.where(Order.paid_at > start)
    return from_minor(int(session.execute(spent).scalar_one()), shop.currency)


def tier_for(tiers: list[Tier], amount: Decimal) -> Tier | None:
    """The highest tier whose threshold `amount` reaches."""
    reached = [tier for tier in tiers if amount >= Decimal(tier.threshold)]
    return reached[-1] if reached else None


def _rank(tiers: list[Tier], tier_id: int | None) -> int:
    return next((index for index, tier in enumerate(tiers) if tier.id == tier_id), -1)


def _move(
    session: Session, shop: Shop, member: Member, tiers: list[Tier], to: Tier | None, now: datetime, reason: str
) -> None:
    before = next((tier for tier in tiers if tier.id == member.tier_id), None)
    up = _rank(tiers, to.id if to is not None else None) > _rank(tiers, member.tier_id)
    member.tier_id = to.id if to is not None else None
    member.tier_qualified_at = now if to is not None else None
    change = TierChange(
        shop_id=shop.id,
        member_id=member.id,
        from_tier=before.name if before is not None else None,
        to_tier=to.name if to is not None else None,
        reason=reason,
        created_at=now,
    )
    session.add(change)
    session.flush()
    if up and to is not None:
        give_entry_gift(session, shop, member, to)
    data = {
        "member_id": member.id,
        "from": change.from_tier,
        "to": change.to_tier,
        "tier": change.to_tier,  # what the "tier reached" email names
        "previous": change.from_tier,
        "direction": "up" if up else "down",  # only a move up is emailed (notifications.py)
        "reason": reason,
    }
    domain_events.record(
        session, shop.id, domain_events.TIER_CHANGED, data, member_id=member.id, key=f"tier.changed:{change.id}"
    )


def promote(session: Session, shop: Shop, member: Member, now: datetime | None = None) -> bool:
    """Move the (locked) member up if what counts now reaches a higher tier; never down."""
    tiers = tiers_of(session, shop.id)
    if not tiers:
        return False
    moment = now or utcnow()
    best = tier_for(tiers, qualifying(session, shop, member.id, moment))
    if best is None or _rank(tiers, best.id) < _rank(tiers, member.tier_id):
        return False
    if best.id == member.tier_id:
        member.tier_qualified_at = moment  # qualifies again: kept for the window from now
        return False
    _move(session, shop, member, tiers, best, moment, "order")
    return True


def recalculate(session: Session, shop: Shop, member: Member, now: datetime | None = None) -> bool:
    """Up or down, as the rules in this module's docstring say. True when the tier changed."""
    moment = now or utcnow()
    tiers = tiers_of(session, shop.id)
    best = tier_for(tiers, qualifying(session, shop, member.id, moment)) if tiers else None
    best_rank, held_rank = _rank(tiers, best.id if best else None), _rank(tiers, member.tier_id)
    if best_rank >= held_rank and best is not None:
        if best.id == member.tier_id:
            return False  # still reaches it; kept from when an order last qualified it
        _move(session, shop, member, tiers, best, moment, "recalculation")
        return True
    if held_rank >= 0 and _still_kept(session, shop, member, tiers[held_rank], moment):
        return False
    if best_rank == held_rank:  # no tier, none reached
        return False
    _move(session, shop, member, tiers, best, moment, "recalculation")
    return True


def _still_kept(session: Session, shop: Shop, member: Member, held: Tier, now: datetime) -> bool:
    qualified_at = member.tier_qualified_at
    if qualified_at is None:
        return False
    window = current_settings(shop)["tiers"]["window"]
    until = kept_until(window, qualified_at, zone_of(shop))
    if until is not None and now >= until:
        return False
    return qualifying(session, shop, member.id, qualified_at) >= Decimal(held.threshold)


def tier_view(session: Session, shop: Shop, member: Member | None) -> dict[str, Any] | None:
    """The `tier` of the widget's `me`: null without one, else its name and the next tier with what
    is still missing to reach it (a decimal string: shop currency, or points)."""
    if member is None or member.tier_id is None:
        return None
    tiers = tiers_of(session, shop.id)
    rank = _rank(tiers, member.tier_id)
    if rank < 0:
        return None
    held = tiers[rank]
    view: dict[str, Any] = {"name": held.name, "next": None}
    if rank + 1 < len(tiers):
        upper = tiers[rank + 1]
        missing = max(Decimal(upper.threshold) - qualifying(session, shop, member.id, utcnow()), Decimal(0))
        view["next"] = {"name": upper.name, "remaining": remaining_text(shop, missing)}
    return view


def remaining_text(shop: Shop, amount: Decimal) -> str:
    if current_settings(shop)["tiers"]["basis"] == "points":
        return str(int(amount.to_integral_value(rounding=ROUND_CEILING)))
    return format_minor_string(to_minor(amount, shop.currency), shop.currency)

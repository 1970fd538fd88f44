"""Points expiry (setting `points_expiry_days`, 0 = points never expire).

The rule, as Smile.io and LoyaltyLion apply it: a member's available points expire together when the
member has had no activity for N days. Activity is read from the ledger: an entry that earns,
spends, adjusts or imports points or cashback (kinds earn, redeem, adjust, import), and points
becoming available (vest), so that points never expire sooner than N days after the member could
spend them. Pending points, cashback and lifetime points are untouched. The expiry is one `expire`
entry of the whole available balance, posted with the balance move in one transaction, under a key
derived from the member's last ledger entry: running the job twice, or in two workers at once,
expires once.

Turning expiry on, or shortening it, never expires anyone sooner than GRACE (30 days) after the
change (read from the settings' change log): members are warned 30 and 7 days ahead
(expiry_warnings.py), and a switch must not take points away overnight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from . import domain_events
from .errors import InsufficientPoints
from .ledger import Posting, lock_member, spend
from .models import LedgerEntry, Member, SettingsChange, Shop
from .reasons import reason as coded_reason
from .settings import current_settings

ACTIVITY_KINDS = ("earn", "redeem", "adjust", "import", "vest")
GRACE = timedelta(days=30)


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment


def expires_at(last_activity: datetime, days: int) -> datetime | None:
    """When points untouched since `last_activity` expire; None when they never do (days = 0)."""
    if days < 0:
        raise ValueError("points_expiry_days is 0 or more")
    return None if days == 0 else _aware(last_activity, "last_activity") + timedelta(days=days)


def is_expired(last_activity: datetime, days: int, now: datetime) -> bool:
    """Whether points untouched since `last_activity` have expired at `now` (at N days exactly, yes)."""
    moment = expires_at(last_activity, days)
    return moment is not None and _aware(now, "now") >= moment


def cutoff(now: datetime, days: int) -> datetime:
    """Members whose last activity is before this moment have expired points."""
    return _aware(now, "now") - timedelta(days=days)


def expiry_days(shop: Shop) -> int:
    return int(current_settings(shop).get("points_expiry_days") or 0)


def _tightened(change: dict[str, object]) -> bool:
    """A change of points_expiry_days that turns expiry on or shortens it."""
    before, after = change.get("from"), change.get("to")
    if not isinstance(after, int) or after <= 0:
        return False
    return not isinstance(before, int) or before <= 0 or after < before


def grace_until(session: Session, shop_id: int) -> datetime | None:
    """Nobody's points expire before this moment: GRACE after expiry was last turned on or shortened."""
    query = (
        select(SettingsChange.created_at, SettingsChange.changes)
        .where(SettingsChange.shop_id == shop_id)
        .order_by(SettingsChange.created_at.desc(), SettingsChange.id.desc())
        .limit(200)
    )
    for created_at, changes in session.execute(query):
        change = (changes or {}).get("points_expiry_days")
        if isinstance(change, dict) and _tightened(change):
            return _as_utc(created_at) + GRACE
    return None


def member_expires_at(session: Session, shop: Shop, member: Member) -> datetime | None:
    """When the member's available points expire if nothing happens meanwhile (`me.points_expire_at`);
    None when they never do, or there are none."""
    days = expiry_days(shop)
    if days == 0 or member.points_available <= 0 or member.erased_at is not None:
        return None
    since = last_activity(session, member.id)
    moment = expires_at(_as_utc(since) if since is not None else _as_utc(member.created_at), days)
    floor = grace_until(session, shop.id)
    if moment is None:
        return None
    return max(moment, floor) if floor is not None else moment


@dataclass(frozen=True)
class Due:
    shop_id: int
    member_id: int


def members_to_expire(session: Session, now: datetime, limit: int = 1000) -> list[Due]:
    """Members holding available points with no activity in their shop's expiry window."""
    shops = session.execute(select(Shop).where(Shop.uninstalled_at.is_(None))).scalars()
    windows = {shop.id: days for shop in shops if (days := expiry_days(shop)) > 0}
    due: list[Due] = []
    for shop_id, days in windows.items():
        floor = grace_until(session, shop_id)
        if floor is not None and _aware(now, "now") < floor:
            continue  # expiry was just turned on or shortened: nobody expires before the grace ends
        recent = exists().where(
            LedgerEntry.member_id == Member.id,
            LedgerEntry.kind.in_(ACTIVITY_KINDS),
            LedgerEntry.created_at >= cutoff(now, days),
        )
        rows = session.execute(
            select(Member.id)
            .where(Member.shop_id == shop_id, Member.points_available > 0, Member.erased_at.is_(None), ~recent)
            .order_by(Member.id)
            .limit(limit - len(due))
        ).scalars()
        due.extend(Due(shop_id, member_id) for member_id in rows)
        if len(due) >= limit:
            break
    return due


def last_activity(session: Session, member_id: int) -> datetime | None:
    query = select(func.max(LedgerEntry.created_at)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.kind.in_(ACTIVITY_KINDS)
    )
    moment: datetime | None = session.execute(query).scalar_one()
    return moment


def expire_member(session: Session, shop: Shop, member_id: int, now: datetime) -> int:
    """Expire the member's available points if they are still due (checked again with the member
    locked: an order may have just arrived). Returns the points expired (0: nothing to do)."""
    days = expiry_days(shop)
    member = lock_member(session, member_id)
    if days == 0 or member.shop_id != shop.id or member.erased_at is not None or member.points_available <= 0:
        return 0
    since = last_activity(session, member.id)
    if since is not None and not is_expired(_as_utc(since), days, now):
        return 0
    floor = grace_until(session, shop.id)
    if floor is not None and now < floor:
        return 0
    last_entry = session.execute(select(func.max(LedgerEntry.id)).where(LedgerEntry.member_id == member.id)).scalar()
    amount = member.points_available
    posting = Posting("points", "available", -amount, "expire", f"expire:{member.id}:{last_entry or 0}")
    try:
        spend(session, member, posting, "expiry", str(last_entry or 0), reason=coded_reason("no_activity", days))
    except InsufficientPoints:  # the member is locked: cannot happen, and never expire what is not there
        return 0
    data = {"points": amount, "inactive_days": days}
    domain_events.record(session, shop.id, domain_events.POINTS_EXPIRED, data, member_id=member.id, key=posting.key)
    return amount


def _as_utc(moment: datetime) -> datetime:
    """An aggregate's datetime may come back without its zone (SQLite); it was stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

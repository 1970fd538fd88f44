"""Warnings before points expire: a `points.expiring` event 30 days and 7 days before a member's
available points expire (expiry.member_expires_at: inactivity, and never sooner than the grace after
expiry was turned on). Emails and webhooks follow the event (integrator/notify).

A warning that would fall before (or at) the member's last activity is skipped: with a 30-day
expiry period the 30-day warning would come at the very moment of the activity, so short periods
get the 7-day one only. Each warning is keyed by the member, the expiry moment and the threshold:
the hourly job records it once, and new activity (a new expiry moment) warns afresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import domain_events
from .expiry import ACTIVITY_KINDS, _as_utc, expiry_days, grace_until
from .models import LedgerEntry, Member, Shop

THRESHOLDS = (30, 7)  # days before the expiry


@dataclass(frozen=True)
class Warning:
    shop_id: int
    member_id: int
    points: int
    expires_at: datetime
    days_before: int


def due_threshold(since: datetime, expires: datetime, now: datetime) -> int | None:
    """Which warning is due at `now` for points untouched since `since` expiring at `expires`: the
    30-day one from 30 days before until the 7-day one is due, then the 7-day one; None otherwise."""
    if not now < expires:
        return None
    for days in sorted(THRESHOLDS):  # 7 first: once it is due, the 30-day one is no longer sent
        warn_at = expires - timedelta(days=days)
        if warn_at <= now and warn_at > since:
            return days
        if warn_at <= now:
            return None  # the nearer warning fell before the last activity: no older one either
    return None


def warnings_due(session: Session, now: datetime, limit: int = 1000) -> list[Warning]:
    due: list[Warning] = []
    for shop in session.execute(select(Shop).where(Shop.uninstalled_at.is_(None))).scalars():
        days = expiry_days(shop)
        if days == 0:
            continue
        floor = grace_until(session, shop.id)
        last = (
            select(LedgerEntry.member_id, func.max(LedgerEntry.created_at).label("at"))
            .where(LedgerEntry.shop_id == shop.id, LedgerEntry.kind.in_(ACTIVITY_KINDS))
            .group_by(LedgerEntry.member_id)
            .subquery()
        )
        since = func.coalesce(last.c.at, Member.created_at)
        # Necessary for any warning to be due (with or without the grace): since + days - 30 <= now.
        rows = session.execute(
            select(Member.id, Member.points_available, Member.created_at, last.c.at)
            .outerjoin(last, last.c.member_id == Member.id)
            .where(
                Member.shop_id == shop.id,
                Member.points_available > 0,
                Member.erased_at.is_(None),
                since <= now - timedelta(days=days) + timedelta(days=max(THRESHOLDS)),
            )
            .order_by(Member.id)
            .limit(limit - len(due))
        ).all()
        for member_id, points, created_at, at in rows:
            active = _as_utc(at or created_at)
            expires = active + timedelta(days=days)
            if floor is not None:
                expires = max(expires, floor)
            threshold = due_threshold(active, expires, now)
            if threshold is not None:
                due.append(Warning(shop.id, member_id, points, expires, threshold))
        if len(due) >= limit:
            break
    return due


def record_warnings(session: Session, now: datetime) -> int:
    """Record the `points.expiring` events due now (each once). Returns how many are due."""
    warnings = warnings_due(session, now)
    for warning in warnings:
        data = {
            "points": warning.points,
            "expires_at": warning.expires_at.isoformat(),
            "days_before": warning.days_before,
        }
        moment = warning.expires_at.isoformat()
        key = f"{domain_events.POINTS_EXPIRING}:{warning.member_id}:{moment}:{warning.days_before}"
        domain_events.record(
            session, warning.shop_id, domain_events.POINTS_EXPIRING, data, member_id=warning.member_id, key=key
        )
    return len(warnings)

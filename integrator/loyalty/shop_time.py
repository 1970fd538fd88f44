"""The shop's own calendar: its IANA time zone (UTC until the platform tells it) and "today" there.
Birthdays and custom actions' periods are days in the shop's time zone (DESIGN.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .models import Shop


def zone_of(shop: Shop) -> tzinfo:
    """The shop's zone; UTC when unknown or not a zone this machine knows."""
    if not shop.timezone:
        return UTC
    try:
        return ZoneInfo(shop.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_date(shop: Shop, moment: datetime) -> date:
    """The day `moment` (aware) falls on at the shop."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(zone_of(shop)).date()


def period_key(period: str, day: date) -> str:
    """The name of the period `day` falls in: 2027-03-05, 2027-W09, 2027-03, 2027, or "all"."""
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "year":
        return str(day.year)
    if period == "lifetime":
        return "all"
    raise ValueError(f"unknown period {period!r}")

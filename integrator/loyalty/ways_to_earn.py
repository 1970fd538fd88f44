"""The ways to earn as the shopper sees them: what the programme offers (anyone may read it: the
`program` answer and the programme page), and for a signed-in shopper each way's state, "done",
"available" or "waiting" (the birthday before its day), with `next_at`, the day it can be earned
again (ISO date in the shop's time zone; null when never)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from .birthdays import birthday_of, birthday_view, celebrated_on
from .bonuses import NETWORK_NAMES, SOCIAL_NETWORKS, bonus_key, bonus_points, has_entry, social_url
from .custom_actions import actions_of, member_action_counts
from .members import find_member
from .models import Member, Shop, utcnow
from .shop_time import local_date


def ways_of(session: Session, shop: Shop) -> list[dict[str, Any]]:
    """Every way to earn that is on, in the order the widget lists them. Nothing personal."""
    ways: list[dict[str, Any]] = []
    for kind in ("signup", "birthday", "newsletter"):
        points = bonus_points(shop, f"{kind}_points")
        if points > 0:
            ways.append({"kind": kind, "points": points})
    social = bonus_points(shop, "social_points")
    for network in SOCIAL_NETWORKS:
        url = social_url(shop, network)
        if social > 0 and url:
            ways.append(
                {"kind": "social", "network": network, "name": NETWORK_NAMES[network], "url": url, "points": social}
            )
    for action in actions_of(session, shop.id):
        ways.append(
            {
                "kind": "action",
                "name": action.name,
                "points": action.points,
                "limit": action.limit,
                "period": action.period,
            }
        )
    return ways


def next_period_start(period: str, today: date) -> date | None:
    if period == "day":
        return today + timedelta(days=1)
    if period == "week":
        return today + timedelta(days=7 - today.weekday())
    if period == "month":
        return date(today.year + today.month // 12, today.month % 12 + 1, 1)
    if period == "year":
        return date(today.year + 1, 1, 1)
    return None


def _birthday_state(session: Session, shop: Shop, member: Member, today: date) -> dict[str, Any]:
    row = birthday_of(session, member)
    if row is None:
        return {"state": "available", "next_at": None}
    this_year = celebrated_on(row.month, row.day, today.year)
    if has_entry(session, shop.id, bonus_key("birthday", member.id, str(today.year))) or this_year < today:
        return {"state": "done", "next_at": celebrated_on(row.month, row.day, today.year + 1).isoformat()}
    return {"state": "waiting", "next_at": this_year.isoformat()}


def _state(
    session: Session, shop: Shop, member: Member, way: dict[str, Any], today: date, counts: dict[str, int]
) -> dict[str, Any]:
    kind = way["kind"]
    if kind == "birthday":
        return _birthday_state(session, shop, member, today)
    if kind == "action":
        if counts.get(way["name"], 0) < way["limit"]:
            return {"state": "available", "next_at": None}
        upcoming = next_period_start(way["period"], today)
        return {"state": "done", "next_at": upcoming.isoformat() if upcoming else None}
    action = f"social-{way['network']}" if kind == "social" else kind
    done = has_entry(session, shop.id, bonus_key(action, member.id))
    return {"state": "done" if done else "available", "next_at": None}


def ways_for(session: Session, shop: Shop, platform_customer_id: str, now: datetime | None = None) -> dict[str, Any]:
    """The `earn` answer: the ways to earn with this shopper's state, and their birthday."""
    ways = ways_of(session, shop)
    member = find_member(session, shop.id, platform_customer_id)
    if member is None:
        return {"items": [{**way, "state": "available", "next_at": None} for way in ways], "birthday": None}
    today = local_date(shop, now or utcnow())
    counts = member_action_counts(session, shop, member, now)
    items = [{**way, **_state(session, shop, member, way, today, counts)} for way in ways]
    # A member without the sign-up bonus joined before it existed or by an order: nothing to do there.
    items = [item for item in items if item["kind"] != "signup" or item["state"] == "done"]
    return {"items": items, "birthday": birthday_view(birthday_of(session, member))}

"""The merchant pages' member list: search text, filters (points balance, last paid order), a sort
order, one page of rows with each member's last order, and how many members match in all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from .members import email_key
from .models import MAX_ROW_ID, Member, Order, utcnow

SORTS = ("newest", "points", "cashback", "last_order", "name")
LAST_ORDER_FILTERS = ("30", "90", "over90", "never")  # within 30 / 90 days, none for 90 days, none ever


@dataclass(frozen=True)
class MemberFilter:
    text: str = ""
    sort: str = "newest"
    min_points: int | None = None
    last_order: str = ""  # one of LAST_ORDER_FILTERS, or "" for any
    tier: str = ""  # a tier id (digits), "none" for members without a tier, or "" for any


@dataclass(frozen=True)
class FoundMember:
    member: Member
    last_order_at: datetime | None


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_condition(text: str) -> Any:
    """A platform customer id, an email (or its beginning) or words of the name (each word in the
    first or the last name)."""
    folded = email_key(text) or ""
    words = [f"%{_escaped(word)}%" for word in text.split()[:5]]
    by_name = and_(
        *(or_(Member.first_name.ilike(w, escape="\\"), Member.last_name.ilike(w, escape="\\")) for w in words)
    )
    return or_(
        Member.platform_customer_id == text,
        Member.email_key.like(_escaped(folded) + "%", escape="\\"),
        by_name,
    )


def _last_orders(shop_id: int) -> Any:
    return (
        select(Order.member_id.label("member_id"), func.max(Order.paid_at).label("at"))
        .where(Order.shop_id == shop_id, Order.status == "paid", Order.member_id.is_not(None))
        .group_by(Order.member_id)
        .subquery()
    )


def _filtered(shop_id: int, how: MemberFilter, now: datetime) -> tuple[Any, Any]:
    last = _last_orders(shop_id)
    query = select(Member, last.c.at).outerjoin(last, last.c.member_id == Member.id).where(Member.shop_id == shop_id)
    if how.text.strip():
        query = query.where(_text_condition(how.text.strip()))
    if how.min_points is not None:
        query = query.where(Member.points_available >= how.min_points)
    if how.tier == "none":
        query = query.where(Member.tier_id.is_(None))
    elif how.tier.isascii() and how.tier.isdigit() and int(how.tier) <= MAX_ROW_ID:
        query = query.where(Member.tier_id == int(how.tier))
    if how.last_order in ("30", "90"):
        query = query.where(last.c.at >= now - timedelta(days=int(how.last_order)))
    elif how.last_order == "over90":
        query = query.where(or_(last.c.at.is_(None), last.c.at < now - timedelta(days=90)))
    elif how.last_order == "never":
        query = query.where(last.c.at.is_(None))
    return query, last


def _ordered(query: Any, last: Any, sort: str) -> Any:
    newest = Member.id.desc()
    if sort == "points":
        return query.order_by(Member.points_available.desc(), newest)
    if sort == "cashback":
        return query.order_by(Member.cashback_available.desc(), newest)
    if sort == "last_order":  # members who never ordered last, on both databases
        return query.order_by(last.c.at.is_(None), last.c.at.desc(), newest)
    if sort == "name":
        return query.order_by(func.lower(func.coalesce(Member.first_name, "")), Member.last_name, newest)
    return query.order_by(newest)


def search(session: Session, shop_id: int, how: MemberFilter, offset: int, limit: int) -> list[FoundMember]:
    query, last = _filtered(shop_id, how, utcnow())
    rows = session.execute(_ordered(query, last, how.sort).offset(offset).limit(limit))
    return [FoundMember(member, at) for member, at in rows]


def count(session: Session, shop_id: int, how: MemberFilter) -> int:
    query, _ = _filtered(shop_id, how, utcnow())
    return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())

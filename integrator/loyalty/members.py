"""Members: enrolment (an account from its creation, a customer on a paid order), profile updates,
and merchant adjustments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base import Customer

from . import domain_events
from .errors import IdempotencyConflict, NotFound
from .ledger import Posting, lock_member, mark_fresh, post, spend
from .models import LedgerEntry, Member, Shop, utcnow
from .rows import count_rows, upsert_locked


def find_member(session: Session, shop_id: int, platform_customer_id: str) -> Member | None:
    return session.execute(
        select(Member).where(Member.shop_id == shop_id, Member.platform_customer_id == platform_customer_id)
    ).scalar_one_or_none()


def get_member(session: Session, shop_id: int, member_id: int) -> Member:
    member = session.execute(
        select(Member).where(Member.shop_id == shop_id, Member.id == member_id)
    ).scalar_one_or_none()
    if member is None:
        raise NotFound("no such member")
    return member


def enroll(session: Session, shop: Shop, customer: Customer) -> Member:
    """The shop's member for this customer, created on first sight (safe under concurrency),
    locked for this transaction: its order's points are posted next."""
    now = utcnow()
    member: Member = upsert_locked(
        session,
        Member,
        {
            "shop_id": shop.id,
            "platform_customer_id": customer.platform_customer_id,
            "email": customer.email,
            "email_key": email_key(customer.email),
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "points_available": 0,
            "points_pending": 0,
            "points_debt": 0,
            "lifetime_points": 0,
            "cashback_available": 0,
            "cashback_pending": 0,
            "cashback_debt": 0,
            "created_at": now,
        },
        ["shop_id", "platform_customer_id"],
        touch="created_at",
    )
    mark_fresh(session, member)
    if member.created_at == now:  # inserted by this very statement
        domain_events.record(
            session,
            shop.id,
            domain_events.MEMBER_ENROLLED,
            {"platform_customer_id": customer.platform_customer_id, "account": customer.account},
            member_id=member.id,
            key=f"{domain_events.MEMBER_ENROLLED}:{member.id}",
        )
    update_profile(member, customer)
    if member.created_at == now:  # made by this very statement
        data = {"platform_customer_id": member.platform_customer_id}
        key = f"{domain_events.MEMBER_ENROLLED}:{member.id}"
        domain_events.record(session, shop.id, domain_events.MEMBER_ENROLLED, data, member_id=member.id, key=key)
    return member


def update_profile(member: Member, customer: Customer) -> None:
    """Keep the contact details current; an erased member stays erased."""
    if member.erased_at is not None:
        return
    for field in ("email", "first_name", "last_name"):
        value = getattr(customer, field)
        if value is not None and getattr(member, field) != value:
            setattr(member, field, value)
    if member.email_key != email_key(member.email):
        member.email_key = email_key(member.email)


def email_key(email: str | None) -> str | None:
    """How emails are compared: trimmed and casefolded (Ö = ö, ß = ss)."""
    return email.strip().casefold() if email else None


def _with_email(shop_id: int, email: str | None) -> list[Any]:
    return [Member.shop_id == shop_id, *([Member.email_key == email_key(email)] if email else [])]


def search_members(session: Session, shop_id: int, email: str | None, page: int, page_size: int) -> list[Member]:
    query = select(Member).where(*_with_email(shop_id, email))
    query = query.order_by(Member.id).offset((page - 1) * page_size).limit(page_size)
    return list(session.execute(query).scalars())


def count_members(session: Session, shop_id: int, email: str | None) -> int:
    """How many members `search_members` finds over all its pages."""
    return count_rows(session, Member, *_with_email(shop_id, email))


def count_ledger(session: Session, member: Member) -> int:
    """How many entries `ledger_of` lists over all its pages."""
    return count_rows(session, LedgerEntry, LedgerEntry.shop_id == member.shop_id, LedgerEntry.member_id == member.id)


def ledger_of(session: Session, member: Member, page: int, page_size: int) -> list[LedgerEntry]:
    query = (
        select(LedgerEntry)
        .where(LedgerEntry.shop_id == member.shop_id, LedgerEntry.member_id == member.id)
        .order_by(LedgerEntry.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(session.execute(query).scalars())


def adjust_points(
    session: Session, member: Member, points: int, reason: str, idempotency_key: str, actor: str
) -> tuple[LedgerEntry, bool]:
    """A merchant's adjustment; the same idempotency key returns the first entry (created=False)."""
    key = f"adjust:{idempotency_key}"
    existing = session.execute(
        select(LedgerEntry).where(LedgerEntry.shop_id == member.shop_id, LedgerEntry.idempotency_key == key)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.member_id != member.id or existing.amount != points:
            raise IdempotencyConflict("this idempotency_key was used for a different adjustment")
        return existing, False
    locked = lock_member(session, member.id)
    posting = Posting("points", "available", points, "adjust", key)
    text = f"{reason} (by {actor})"[:500]
    if points < 0:
        entry = spend(session, locked, posting, "adjustment", reason=text)
    else:
        entry = post(session, locked, posting, "adjustment", reason=text)
        data = {"points": points, "cashback": "0", "state": "available", "available_at": None, "source": "adjustment"}
        event = domain_events.POINTS_EARNED
        domain_events.record(session, member.shop_id, event, data, member_id=member.id, key=f"{event}:{key}")
    return entry, True

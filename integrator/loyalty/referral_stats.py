"""Referrals as the merchant sees them: the list (the review queue is its `review` part) in the one
shape the merchant API documents and the merchant page shows, and the numbers of the programme:
link clicks, referred orders, their revenue, rewards paid, referrals blocked per reason. Friend
codes are counted here, apart from the reward codes of the coupon analytics (they live in their own
table)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import FriendCode, Member, Referral, ReferralClick
from .money import format_minor_string
from .referral_checks import REASONS
from .rows import count_rows

STATUSES = ("holding", "review", "paid", "rejected", "void", "reversed")
COUNTED = ("holding", "review", "paid")  # referred orders the friend kept (so far)


class ReferralOut(Schema):
    id = fields.Integer(metadata={"description": "the referral's id"})
    order = fields.String(metadata={"description": "the friend's order (platform order id)"})
    advocate_id = fields.Integer(metadata={"description": "the member whose friend code the order used"})
    advocate_email = fields.String(allow_none=True)
    code = fields.String(metadata={"description": "the friend code used"})
    friend_first_name = fields.String(allow_none=True, metadata={"description": "first name only"})
    friend_member_id = fields.Integer(allow_none=True, metadata={"description": "null for a guest"})
    status = fields.String(metadata={"description": " | ".join(STATUSES)})
    reasons = fields.List(fields.String(), metadata={"description": "the fraud checks that flagged it"})
    evidence = fields.Dict(metadata={"description": "what each check saw (masked), by reason"})
    reward_points = fields.Integer()
    revenue = fields.String(metadata={"description": "the order's earning basis, decimal string"})
    currency = fields.String()
    pays_at = fields.DateTime(allow_none=True, metadata={"description": "when the hold ends"})
    paid_at = fields.DateTime(allow_none=True)
    decided_by = fields.String(allow_none=True, metadata={"description": "who approved or rejected it"})
    decided_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


REFERRAL = ReferralOut()


def shaped(referral: Referral, member: Member | None, code: str) -> dict[str, Any]:
    return {
        "id": referral.id,
        "order": referral.platform_order_id,
        "advocate_id": referral.advocate_id,
        "advocate_email": member.email if member else None,
        "code": code,
        "friend_first_name": referral.friend_first_name,
        "friend_member_id": referral.friend_member_id,
        "status": referral.status,
        "reasons": list(referral.reasons or []),
        "evidence": dict(referral.evidence or {}),
        "reward_points": referral.reward_points,
        "revenue": format_minor_string(referral.basis_minor, referral.currency),
        "currency": referral.currency,
        "pays_at": referral.pays_at,
        "paid_at": referral.paid_at,
        "decided_by": referral.decided_by,
        "decided_at": referral.decided_at,
        "created_at": referral.created_at,
    }


def referrals_of(
    session: Session, shop_id: int, status: str | None, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of the shop's referrals, newest first (only `status` ones when given), and the total."""
    where = [Referral.shop_id == shop_id] + ([Referral.status == status] if status else [])
    rows = session.execute(
        select(Referral, Member, FriendCode.code)
        .join(Member, Member.id == Referral.advocate_id)
        .join(FriendCode, FriendCode.id == Referral.friend_code_id)
        .where(*where)
        .order_by(Referral.created_at.desc(), Referral.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return [shaped(r, m, c) for r, m, c in rows], count_rows(session, Referral, *where)


def referral_out(session: Session, shop_id: int, referral_id: int) -> dict[str, Any]:
    row = session.execute(
        select(Referral, Member, FriendCode.code)
        .join(Member, Member.id == Referral.advocate_id)
        .join(FriendCode, FriendCode.id == Referral.friend_code_id)
        .where(Referral.shop_id == shop_id, Referral.id == referral_id)
    ).one()
    return shaped(*row)


def summary(session: Session, shop_id: int, since: datetime, currency: str) -> dict[str, Any]:
    """The programme since `since`: clicks, friend codes, referred orders, revenue, rewards paid,
    and the referrals blocked (in review or rejected) per reason."""
    clicks = count_rows(session, ReferralClick, ReferralClick.shop_id == shop_id, ReferralClick.created_at >= since)
    codes = count_rows(session, FriendCode, FriendCode.shop_id == shop_id)
    recent = [Referral.shop_id == shop_id, Referral.created_at >= since]
    orders, revenue = session.execute(
        select(func.count(), func.coalesce(func.sum(Referral.basis_minor), 0)).where(
            *recent, Referral.status.in_(COUNTED)
        )
    ).one()
    paid, points = session.execute(
        select(func.count(), func.coalesce(func.sum(Referral.reward_points), 0)).where(
            Referral.shop_id == shop_id, Referral.paid_at >= since, Referral.status == "paid"
        )
    ).one()
    blocked: dict[str, int] = dict.fromkeys(REASONS, 0)
    for reasons in session.execute(
        select(Referral.reasons).where(*recent, Referral.status.in_(("review", "rejected")))
    ).scalars():
        for reason in reasons or []:
            blocked[reason] = blocked.get(reason, 0) + 1
    return {
        "clicks": clicks,
        "friend_codes": codes,
        "referred_orders": int(orders),
        "revenue": format_minor_string(int(revenue), currency),
        "rewards_paid": int(paid),
        "points_paid": int(points),
        "in_review": count_rows(session, Referral, Referral.shop_id == shop_id, Referral.status == "review"),
        "blocked": {reason: count for reason, count in blocked.items() if count},
    }

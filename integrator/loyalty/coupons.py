"""Coupons Setia issues to members: the unboxing coupon of a paid order, a redeemed reward's code and
cashback spent as a fixed-amount code. Each is recorded `pending`, made on the store by a job, which
reports back whether it became `active` or `failed` (a failed reward or cashback code gives back
what was spent on it)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from connectors.base import CouponSpec

from . import domain_events
from .ledger import Posting, lock_member, post
from .models import Coupon, LedgerEntry, Member, Order, Reward, Shop, UnboxingCard, utcnow
from .reasons import reason as coded_reason
from .rows import insert_ignore
from .settings import current_settings
from .unboxing import ensure_card

# No 0/O, 1/I/L: a code read aloud or copied from a receipt comes out right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PENDING_GRACE = timedelta(minutes=1)  # the job enqueued after the commit usually handles it before


def generate_code(prefix: str = "SETIA") -> str:
    """ "SETIA-XXXX-XXXX": 31^8 ≈ 8.5e11 codes, random enough that guessing one is hopeless."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(2))
    return "-".join((prefix, *groups))


def issue_unboxing_coupon(session: Session, shop: Shop, order: Order) -> int | None:
    """Record the one unboxing coupon a paid order of a member gets; returns its id when this call
    created it (the caller makes it on the store after commit), None when there is nothing new."""
    settings = current_settings(shop)["unboxing"]
    if not settings["enabled"] or order.status != "paid" or order.member_id is None:
        return None
    now = utcnow()
    values = {
        "shop_id": shop.id,
        "member_id": order.member_id,
        "kind": "unboxing",
        "source_id": order.platform_order_id,
        "code": generate_code(),
        "status": "pending",
        "platform": shop.platform,
        "value_type": "percentage",
        "value": str(settings["discount_percent"]),
        "starts_at": now,
        "expires_at": now + timedelta(days=int(settings["expires_days"])),
        "idempotency_key": f"unboxing:{order.platform_order_id}",
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }
    # A clash on the random code (never in practice) raises and the transaction is retried afresh.
    inserted: int | None = insert_ignore(session, Coupon, values, ["shop_id", "idempotency_key"])
    if inserted is not None:
        ensure_card(session, shop.id, inserted)  # its printed card and scan link
    return inserted


@dataclass(frozen=True)
class SpentCode:
    """What a code bought with points (a reward) or cashback is worth, and for how long."""

    kind: str  # reward | cashback
    source_id: str | None  # the reward's id
    value_type: str  # fixed_amount | percentage | free_shipping
    value: str  # decimal string
    min_order: str | None
    days: int


def record_spent_code(session: Session, shop: Shop, member: Member, code: str, terms: SpentCode) -> Coupon:
    """The single-use code the member just paid for, recorded `pending` in the same transaction as
    the spending; the outbox job makes it on the store."""
    now = utcnow()
    coupon = Coupon(
        shop_id=shop.id,
        member_id=member.id,
        kind=terms.kind,
        source_id=terms.source_id,
        code=code,
        status="pending",
        platform=shop.platform,
        value_type=terms.value_type,
        value=terms.value,
        min_order=terms.min_order,
        starts_at=now,
        expires_at=now + timedelta(days=terms.days),
        idempotency_key=f"{terms.kind}:{code}",
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(coupon)
    session.flush()
    data: dict[str, object] = {"code": code, "kind": terms.kind, "reward_id": terms.source_id}
    if terms.kind == "cashback":
        data.update(points=0, cashback=terms.value, currency=shop.currency)
    else:
        data.update(points=-_spent_points(session, shop.id, code), cashback="0", currency=shop.currency)
    key = f"{domain_events.POINTS_REDEEMED}:{code}"
    domain_events.record(session, shop.id, domain_events.POINTS_REDEEMED, data, member_id=member.id, key=key)
    return coupon


def _spent_points(session: Session, shop_id: int, code: str) -> int:
    key = SPENT_KEYS["reward"].format(code=code)
    query = select(LedgerEntry.amount).where(LedgerEntry.shop_id == shop_id, LedgerEntry.idempotency_key == key)
    return int(session.execute(query).scalar_one_or_none() or 0)


def coupon_data(coupon: Coupon) -> dict[str, object]:
    """A coupon as events carry it (coupon.created)."""
    return {
        "code": coupon.code,
        "kind": coupon.kind,
        "value_type": coupon.value_type,
        "value": coupon.value,
        "min_order": coupon.min_order,
        "expires_at": coupon.expires_at.isoformat() if coupon.expires_at else None,
        "order_id": coupon.source_id if coupon.kind == "unboxing" else None,
    }


def coupon_title(coupon: Coupon) -> str:
    """What the merchant sees in the Shopify admin; unique per code, so it also tells our codes apart."""
    what = coupon.kind if coupon.kind in ("unboxing", "cashback") else "reward"
    return f"Setia {what} {coupon.code}"


@dataclass(frozen=True)
class PendingCoupon:
    coupon_id: int
    shop_id: int
    attempts: int
    spec: CouponSpec
    order_id: str | None = None  # the platform order an unboxing coupon belongs to
    scan_token: str | None = None  # its printed card's scan token (integrator/loyalty/unboxing.py)
    order_note: bool = False  # the merchant wants the code in the order note too


def pending_coupon(session: Session, coupon_id: int) -> PendingCoupon | None:
    """What to create on the store for a coupon still pending; None when there is nothing to do."""
    coupon = session.get(Coupon, coupon_id)
    if coupon is None or coupon.status != "pending" or coupon.member_id is None:
        return None
    member = session.get(Member, coupon.member_id)
    if member is None or member.erased_at is not None:
        return None
    spec = CouponSpec(
        code=coupon.code,
        title=coupon_title(coupon),
        value_type=coupon.value_type,
        value=Decimal(coupon.value),
        starts_at=coupon.starts_at,
        ends_at=coupon.expires_at,
        customer_id=member.platform_customer_id,
        customer_email=member.email,
        min_subtotal=Decimal(coupon.min_order) if coupon.min_order else None,
    )
    if coupon.kind != "unboxing":
        return PendingCoupon(coupon.id, coupon.shop_id, coupon.attempts, spec)
    token = session.execute(select(UnboxingCard.token).where(UnboxingCard.coupon_id == coupon.id)).scalar()
    shop = session.get(Shop, coupon.shop_id)
    note = bool(shop is not None and current_settings(shop)["unboxing"]["order_note"])
    return PendingCoupon(coupon.id, coupon.shop_id, coupon.attempts, spec, coupon.source_id, token, note)


def claim_attempt(session: Session, coupon_id: int, seen_attempts: int) -> bool:
    """Count one call to the platform; False when another job took this attempt first."""
    coupon = session.execute(
        select(Coupon).where(Coupon.id == coupon_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if coupon is None or coupon.status != "pending" or coupon.attempts != seen_attempts:
        return False
    coupon.attempts += 1
    return True


def mark_active(session: Session, coupon_id: int, platform_id: str) -> None:
    coupon = session.get(Coupon, coupon_id)
    if coupon is not None and coupon.status == "pending":
        coupon.status, coupon.platform_id, coupon.last_error = "active", platform_id, None
        key = f"{domain_events.COUPON_CREATED}:{coupon.id}"
        data = coupon_data(coupon)
        domain_events.record(
            session, coupon.shop_id, domain_events.COUPON_CREATED, data, member_id=coupon.member_id, key=key
        )


def mark_failed(session: Session, coupon_id: int, reason: str) -> None:
    """The store refused the coupon for good. What the member spent on it (a reward's points, the
    cashback) goes back with a reversing entry."""
    coupon = session.get(Coupon, coupon_id)
    if coupon is not None and coupon.status == "pending":
        coupon.status, coupon.last_error = "failed", reason[:2000]
        if coupon.kind in SPENT_KEYS:
            _refund_redemption(session, coupon)


# The ledger key of what a coupon of this kind was paid with (rewards.redeem, cashback.redeem_cashback).
SPENT_KEYS = {"reward": "redeem:{code}", "cashback": "cashback-redeem:{code}"}


def _refund_redemption(session: Session, coupon: Coupon) -> None:
    key = SPENT_KEYS[coupon.kind].format(code=coupon.code)
    spent = session.execute(
        select(LedgerEntry).where(LedgerEntry.shop_id == coupon.shop_id, LedgerEntry.idempotency_key == key)
    ).scalar_one_or_none()
    if spent is None or coupon.member_id is None:
        return
    member = lock_member(session, coupon.member_id)
    posting = Posting(spent.account, "available", -spent.amount, "refund", f"{key}:refund")
    post(session, member, posting, "redemption", coupon.code, reason=coded_reason("coupon_refused"))


def note_error(session: Session, coupon_id: int, reason: str) -> None:
    """A transient failure: the coupon stays pending for the periodic retry."""
    coupon = session.get(Coupon, coupon_id)
    if coupon is not None:
        coupon.last_error = reason[:2000]


def pending_coupons(session: Session, now: datetime, limit: int = 500) -> list[tuple[int, datetime, int]]:
    """(id, created_at, attempts) of coupons still pending a while after they were recorded, in
    installed shops that Setia can reach (a shop without an access token or REST keys, such as the
    `make run` demo shop, keeps its codes pending rather than being tried every minute); the
    caller's retry policy says which are due."""
    reachable = or_(Shop.access_token_enc.is_not(None), Shop.consumer_key_enc.is_not(None))
    rows = session.execute(
        select(Coupon.id, Coupon.created_at, Coupon.attempts)
        .join(Shop, Shop.id == Coupon.shop_id)
        .where(
            Coupon.status == "pending",
            Coupon.created_at <= now - PENDING_GRACE,
            Shop.uninstalled_at.is_(None),
            reachable,
        )
        .order_by(Coupon.id)
        .limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def coupons_of(session: Session, member: Member) -> list[Coupon]:
    query = (
        select(Coupon).where(Coupon.shop_id == member.shop_id, Coupon.member_id == member.id).order_by(Coupon.id.desc())
    )
    return list(session.execute(query).scalars())


def issue_reward_code(session: Session, shop: Shop, member_id: int, reward_id: int, key: str) -> int | None:
    """The code of one of the shop's rewards given (not bought) to a member, e.g. an advocate's
    referral reward: recorded `pending` once per `key` (the outbox job makes it on the store);
    its id when this call recorded it."""
    reward = session.get(Reward, reward_id)
    if reward is None or reward.shop_id != shop.id:
        return None
    now = utcnow()
    values = {
        "shop_id": shop.id,
        "member_id": member_id,
        "kind": "reward",
        "source_id": str(reward.id),
        "code": generate_code(),
        "status": "pending",
        "platform": shop.platform,
        "value_type": reward.kind,
        "value": reward.value,
        "min_order": reward.min_order,
        "starts_at": now,
        "expires_at": now + timedelta(days=reward.expires_days),
        "idempotency_key": key,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }
    inserted: int | None = insert_ignore(session, Coupon, values, ["shop_id", "idempotency_key"])
    return inserted

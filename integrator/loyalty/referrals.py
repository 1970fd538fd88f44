"""Referrals, the friend codes: every member's own code (a real percentage discount on the store,
usable by any friend once), recorded `pending` and made on the store by the outbox job
(integrator/outbox.py push_friend_codes, one job per shop at a time); the clicks on its link
`/ref/<code>`, counted with the visitor's IP address and user agent hashed with the shop's secret
and pruned after 90 days. The orders that use a code: referral_orders.py."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from connectors.base import Customer, FriendCodeSpec

from .coupons import CODE_ALPHABET
from .errors import DomainError
from .members import enroll
from .models import FriendCode, Member, Referral, ReferralClick, ReferralProgram, Shop, utcnow
from .rows import insert_ignore
from .settings import current_settings

CLICK_RETENTION = timedelta(days=90)
CLAIM_FOR = timedelta(minutes=5)  # a job that died holding the shop's claim loses it after this
FRIEND_TITLE = "Setia friend discount"  # the Shopify discount that holds every friend code


class ReferralsOff(DomainError):
    status = 404
    code = "referrals_off"


def settings_of(shop: Shop) -> dict[str, Any]:
    referrals: dict[str, Any] = current_settings(shop)["referrals"]
    return referrals


def generate_friend_code() -> str:
    """ "REF-XXXX-XXXX" from an alphabet without look-alikes: 31^8 ≈ 8.5e11 codes, unique across
    every shop (a unique index; a clash, never seen in practice, retries the transaction)."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(2))
    return "-".join(("REF", *groups))


def program_of(session: Session, shop_id: int) -> ReferralProgram:
    """The shop's referral row (its hashing secret), created on first use."""
    values = {"shop_id": shop_id, "secret": secrets.token_hex(32), "created_at": utcnow()}
    insert_ignore(session, ReferralProgram, values, ["shop_id"])
    program: ReferralProgram = session.execute(
        select(ReferralProgram).where(ReferralProgram.shop_id == shop_id)
    ).scalar_one()
    return program


def keyed_hash(secret: str, kind: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Link:
    code: str
    status: str


def friend_code_of(session: Session, shop: Shop, platform_customer_id: str) -> tuple[Link, int | None]:
    """The shopper's friend code, recorded (and the shopper enrolled) on first ask; the id of a code
    this call recorded, for the caller to make on the store after commit. ReferralsOff when the shop
    has referrals off."""
    settings = settings_of(shop)
    if not settings["enabled"]:
        raise ReferralsOff("referrals are off")
    member = enroll(session, shop, Customer(platform_customer_id))
    now = utcnow()
    values = {
        "shop_id": shop.id,
        "member_id": member.id,
        "code": generate_friend_code(),
        "percent": str(settings["friend_discount_percent"]),
        "status": "pending",
        "attempts": 0,
        "created_at": now,
    }
    created = insert_ignore(session, FriendCode, values, ["shop_id", "member_id"])
    row = session.execute(
        select(FriendCode).where(FriendCode.shop_id == shop.id, FriendCode.member_id == member.id)
    ).scalar_one()
    return Link(row.code, row.status), created


# --- the outbox: friend codes made on the store, one job per shop at a time --------------------------


def claim_shop(session: Session, shop_id: int, now: datetime) -> bool:
    """Take the shop's friend-code claim (a conditional UPDATE): False when another job holds it."""
    program_of(session, shop_id)
    result = session.execute(
        update(ReferralProgram)
        .where(
            ReferralProgram.shop_id == shop_id,
            or_(ReferralProgram.claimed_until.is_(None), ReferralProgram.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def release_shop(session: Session, shop_id: int) -> None:
    session.execute(
        update(ReferralProgram)
        .where(ReferralProgram.shop_id == shop_id)
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class PendingFriendCode:
    code_id: int
    attempts: int
    spec: FriendCodeSpec


def pending_friend_codes(session: Session, shop_id: int, limit: int = 50) -> list[PendingFriendCode]:
    """The shop's friend codes still to make on the store, oldest first, with the discount that holds
    the shop's codes so far."""
    holder = session.execute(
        select(ReferralProgram.holder_id).where(ReferralProgram.shop_id == shop_id)
    ).scalar_one_or_none()
    rows = session.execute(
        select(FriendCode)
        .join(Member, Member.id == FriendCode.member_id)
        .where(FriendCode.shop_id == shop_id, FriendCode.status == "pending", Member.erased_at.is_(None))
        .order_by(FriendCode.id)
        .limit(limit)
    ).scalars()
    return [
        PendingFriendCode(
            row.id, row.attempts, FriendCodeSpec(row.code, FRIEND_TITLE, Decimal(row.percent), row.created_at, holder)
        )
        for row in rows
    ]


def friend_code_made(session: Session, code_id: int, holder_id: str) -> None:
    code = session.get(FriendCode, code_id)
    if code is None or code.status != "pending":
        return
    code.status, code.platform_id, code.last_error = "active", holder_id, None
    code.attempts += 1
    program = program_of(session, code.shop_id)
    program.holder_id = program.holder_id or holder_id


def friend_code_error(session: Session, code_id: int, reason: str, final: bool) -> None:
    code = session.get(FriendCode, code_id)
    if code is None or code.status != "pending":
        return
    code.attempts += 1
    code.last_error = reason[:2000]
    if final:
        code.status = "failed"


def shops_with_pending_codes(session: Session, limit: int = 500) -> list[int]:
    reachable = or_(Shop.access_token_enc.is_not(None), Shop.consumer_key_enc.is_not(None))
    rows = session.execute(
        select(FriendCode.shop_id)
        .join(Shop, Shop.id == FriendCode.shop_id)
        .where(FriendCode.status == "pending", Shop.uninstalled_at.is_(None), reachable)
        .group_by(FriendCode.shop_id)
        .limit(limit)
    ).scalars()
    return list(rows)


# --- the link -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    shop: Shop
    code: str


def find_link(session: Session, code: str) -> Target | None:
    """The shop and friend code behind `/ref/<code>` (any case); only friend codes are looked up,
    of installed shops with referrals on."""
    if not code or len(code) > 32:
        return None
    row = session.execute(
        select(FriendCode, Shop)
        .join(Shop, Shop.id == FriendCode.shop_id)
        .where(FriendCode.code == code.strip().upper(), FriendCode.status != "failed", Shop.uninstalled_at.is_(None))
    ).first()
    if row is None or not settings_of(row[1])["enabled"]:
        return None
    return Target(row[1], row[0].code)


def record_click(session: Session, code: str, ip: str, agent: str) -> None:
    """One click on the link, its IP address and user agent hashed with the shop's secret."""
    row = session.execute(select(FriendCode).where(FriendCode.code == code)).scalar_one_or_none()
    if row is None:
        return
    secret = program_of(session, row.shop_id).secret
    session.add(
        ReferralClick(
            shop_id=row.shop_id,
            friend_code_id=row.id,
            ip_hash=keyed_hash(secret, "ip", ip),
            agent_hash=keyed_hash(secret, "agent", agent[:1000]),
        )
    )


def prune_clicks(session: Session, now: datetime, limit: int = 1000) -> int:
    """Delete clicks older than 90 days, a batch at a time; how many went."""
    ids = (
        session.execute(select(ReferralClick.id).where(ReferralClick.created_at < now - CLICK_RETENTION).limit(limit))
        .scalars()
        .all()
    )
    if ids:
        session.execute(delete(ReferralClick).where(ReferralClick.id.in_(ids)))
    return len(ids)


def received_code(session: Session, shop: Shop, member: Member, code: str | None) -> dict[str, Any] | None:
    """A friend's code the shopper arrived with (the widget reads it from the store's discount
    cookie or the `?coupon=` link), as a "My codes" item with `source: referral`: another member's
    code of this shop, while no order of this shopper has used it yet. None otherwise."""
    if not code or len(code) > 32 or not settings_of(shop)["enabled"]:
        return None
    row = session.execute(
        select(FriendCode).where(
            FriendCode.shop_id == shop.id, FriendCode.code == code.strip().upper(), FriendCode.status != "failed"
        )
    ).scalar_one_or_none()
    if row is None or row.member_id == member.id:
        return None
    used = session.execute(
        select(Referral.id).where(Referral.friend_code_id == row.id, Referral.friend_member_id == member.id).limit(1)
    ).first()
    if used is not None:
        return None
    return {
        "code": row.code,
        "status": row.status,
        "kind": "referral",
        "source": "referral",
        "value_type": "percentage",
        "value": row.percent,
        "min_order": None,
        "expires_at": None,
        "reward_id": None,
    }

"""Cashback paid out as the platform's store credit (setting `cashback_store_credit`).

A transfer debits the member's available cashback and is recorded `pending` in one transaction,
before the platform is called; the call's answer marks it `done`, or `failed` with the cashback
given back. Without the setting, cashback stays in Setia's ledger."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from .errors import InsufficientPoints
from .ledger import Posting, lock_member, post, spend
from .models import CreditTransfer, Member, Shop, utcnow
from .reasons import reason as coded_reason
from .settings import current_settings

REFUSAL_PAUSE = timedelta(days=1)  # after Shopify refused a transfer for good, wait before the next


def enabled(shop: Shop, supported: bool) -> bool:
    """Whether the shop pays cashback out as store credit: its platform keeps store credit
    (`supported`, the platform's fact, from the caller) and the merchant turned the setting on."""
    return supported and bool(current_settings(shop)["cashback_store_credit"])


def start_transfer(session: Session, shop: Shop, member_id: int, supported: bool) -> int | None:
    """Move all of the member's available cashback into a pending transfer; its id, or None when
    there is nothing to move or a transfer of this member is still under way. `supported`: whether
    the shop's platform keeps store credit."""
    if not enabled(shop, supported) or shop.uninstalled_at is not None:
        return None
    member = lock_member(session, member_id)
    if member.shop_id != shop.id or member.erased_at is not None or member.cashback_available <= 0:
        return None
    under_way = session.execute(
        select(CreditTransfer.id).where(CreditTransfer.member_id == member.id, CreditTransfer.status == "pending")
    ).first()
    if under_way is not None:
        return None
    earlier = select(func.count(CreditTransfer.id)).where(CreditTransfer.member_id == member.id)
    count = session.execute(earlier).scalar_one()
    transfer = CreditTransfer(
        shop_id=shop.id,
        member_id=member.id,
        amount=member.cashback_available,
        currency=shop.currency,
        status="pending",
        idempotency_key=f"store-credit:{member.id}:{count + 1}",
        attempts=0,
        created_at=utcnow(),
    )
    session.add(transfer)
    session.flush()
    posting = Posting("cashback", "available", -transfer.amount, "transfer", f"store-credit:{transfer.id}")
    try:
        spend(session, member, posting, "store_credit", str(transfer.id), reason=coded_reason("moved_to_store_credit"))
    except InsufficientPoints:  # cannot happen with the member locked; never move what is not there
        return None
    return transfer.id


@dataclass(frozen=True)
class PendingTransfer:
    transfer_id: int
    shop_id: int
    attempts: int
    customer_id: str
    minor: int
    currency: str


def pending_transfer(session: Session, transfer_id: int) -> PendingTransfer | None:
    transfer = session.get(CreditTransfer, transfer_id)
    if transfer is None or transfer.status != "pending":
        return None
    member = session.get(Member, transfer.member_id)
    if member is None or member.erased_at is not None:
        return None
    return PendingTransfer(
        transfer_id=transfer.id,
        shop_id=transfer.shop_id,
        attempts=transfer.attempts,
        customer_id=member.platform_customer_id,
        minor=transfer.amount,
        currency=transfer.currency,
    )


def claim_attempt(session: Session, transfer_id: int, seen_attempts: int) -> bool:
    """Count one call to the platform; False when another job took this attempt first (two jobs
    must never both call for one transfer: the platform would credit twice)."""
    transfer = session.execute(
        select(CreditTransfer)
        .where(CreditTransfer.id == transfer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if transfer is None or transfer.status != "pending" or transfer.attempts != seen_attempts:
        return False
    transfer.attempts += 1
    return True


def complete_transfer(session: Session, transfer_id: int, platform_transaction_id: str) -> None:
    transfer = session.get(CreditTransfer, transfer_id)
    if transfer is not None and transfer.status == "pending":
        transfer.status = "done"
        transfer.platform_transaction_id = platform_transaction_id
        transfer.last_error = None
        transfer.completed_at = utcnow()


def refuse_transfer(session: Session, transfer_id: int, reason: str) -> None:
    """The platform said no for good: give the cashback back with a reversing entry."""
    transfer = session.get(CreditTransfer, transfer_id)
    if transfer is None or transfer.status != "pending":
        return
    member = lock_member(session, transfer.member_id)
    posting = Posting("cashback", "available", transfer.amount, "transfer", f"store-credit:{transfer.id}:returned")
    post(
        session,
        member,
        posting,
        "store_credit",
        str(transfer.id),
        reason=coded_reason("store_credit_refused", reason)[:500],
    )
    transfer.status = "failed"
    transfer.last_error = reason[:2000]
    transfer.completed_at = utcnow()


def note_error(session: Session, transfer_id: int, reason: str) -> None:
    """A transient failure: the transfer stays pending (cashback held) for the periodic retry."""
    transfer = session.get(CreditTransfer, transfer_id)
    if transfer is not None:
        transfer.last_error = reason[:2000]


def pending_transfers(session: Session, older_than: datetime, limit: int = 500) -> list[tuple[int, datetime, int]]:
    """(id, created_at, attempts) of transfers still pending, in installed shops."""
    rows = session.execute(
        select(CreditTransfer.id, CreditTransfer.created_at, CreditTransfer.attempts)
        .join(Shop, Shop.id == CreditTransfer.shop_id)
        .where(
            CreditTransfer.status == "pending",
            CreditTransfer.created_at <= older_than,
            Shop.uninstalled_at.is_(None),
        )
        .order_by(CreditTransfer.id)
        .limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def members_with_cashback(session: Session, platforms: Collection[str], limit: int = 1000) -> list[tuple[int, int]]:
    """(shop id, member id) of members holding available cashback in shops that pay it out as store
    credit (cashback that vested, or that an earlier transfer could not take); `platforms` are those
    that keep store credit. A member whose
    transfer Shopify refused for good in the last REFUSAL_PAUSE is left alone until then: a
    missing scope would otherwise be tried, and two entries written, every minute."""
    shops = session.execute(select(Shop).where(Shop.platform.in_(platforms), Shop.uninstalled_at.is_(None))).scalars()
    shop_ids = [shop.id for shop in shops if enabled(shop, supported=True)]
    if not shop_ids:
        return []
    refused_lately = exists().where(
        CreditTransfer.member_id == Member.id,
        CreditTransfer.status == "failed",
        CreditTransfer.completed_at > utcnow() - REFUSAL_PAUSE,
    )
    rows = session.execute(
        select(Member.shop_id, Member.id)
        .where(
            Member.shop_id.in_(shop_ids),
            Member.cashback_available > 0,
            Member.erased_at.is_(None),
            ~refused_lately,
        )
        .order_by(Member.id)
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]

"""Referrals, the orders: an order whose discount codes hold an advocate's friend code (without
case), bought by anyone (a guest too), is a referral, decided once at the order's first paid
version (the order row is locked, and the referral is unique per order). The fraud checks
(referral_checks.py) send it to the merchant's review; otherwise, and once approved, it pays the
advocate `referrals.advocate_points` after the order has stayed paid `referrals.hold_days` (counted
from when Setia first saw it paid; `pay_due`, a periodic job; 0 = at once). Cancelled or refunded
first: nothing; refunded after: taken back. All through the ledger, under keys named by the
referral, so that nothing is paid or taken twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.base import Buyer
from connectors.base import Order as OrderSnapshot

from . import domain_events
from . import referral_people as people
from .coupons import issue_reward_code
from .errors import DomainError, NotFound
from .ledger import lock_member, post_many
from .models import FriendCode, Member, Order, OrderRefund, Referral, Reward, Shop, utcnow
from .postings import Posting
from .referral_checks import Counts, flags
from .referrals import keyed_hash, program_of, settings_of
from .rows import insert_ignore

WEEK = timedelta(days=7)
MONTH = timedelta(days=30)
WAITING = ("holding", "review")


class NotInReview(DomainError):
    status = 409
    code = "not_in_review"


def on_order(session: Session, shop: Shop, order: Order, snapshot: OrderSnapshot, newly_paid: bool) -> None:
    """Called by orders.record_order with the order row locked, after it is reconciled: settle the
    order's referral if it was cancelled or refunded; with referrals on, remember who placed it and
    decide, at its first paid version, whether it is a referral."""
    if order.status == "void" or order.refunded_in_snapshot:
        on_refund(session, shop, order)
    if not settings_of(shop)["enabled"]:
        return
    secret = program_of(session, shop.id).secret
    hashes = people.buyer_hashes(secret, snapshot.buyer)
    if newly_paid and snapshot.discount_codes:
        code = _friend_code(session, shop.id, snapshot.discount_codes)
        if code is not None:
            _decide(session, shop, order, snapshot, code, hashes, secret)
    people.record_buyer(session, shop, order, hashes)


def _referral_of(session: Session, shop_id: int, platform_order_id: str) -> Referral | None:
    return session.execute(
        select(Referral)
        .where(Referral.shop_id == shop_id, Referral.platform_order_id == platform_order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _friend_code(session: Session, shop_id: int, codes: tuple[str, ...]) -> FriendCode | None:
    wanted = sorted({code.strip().upper() for code in codes if code.strip()})
    if not wanted:
        return None
    return session.execute(
        select(FriendCode)
        .where(FriendCode.shop_id == shop_id, FriendCode.code.in_(wanted))
        .order_by(FriendCode.id)
        .limit(1)
    ).scalar_one_or_none()


def _count(session: Session, *where: Any) -> int:
    return int(session.execute(select(func.count()).select_from(Referral).where(*where)).scalar_one())


def _decide(
    session: Session,
    shop: Shop,
    order: Order,
    snapshot: OrderSnapshot,
    code: FriendCode,
    hashes: dict[str, str],
    secret: str,
) -> None:
    settings = settings_of(shop)
    now = utcnow()
    advocate = session.get(Member, code.member_id)
    if advocate is None or advocate.erased_at is not None:
        return
    buyer = snapshot.buyer or Buyer()
    ip_hash = keyed_hash(secret, "ip", buyer.ip) if buyer.ip else None
    counts = Counts(
        earlier_orders=people.earlier_orders(session, shop.id, order, hashes, advocate.id),
        from_ip_this_week=_count(
            session, Referral.shop_id == shop.id, Referral.buyer_ip_hash == ip_hash, Referral.created_at >= now - WEEK
        )
        if ip_hash
        else 0,
        advocate_this_month=_count(session, Referral.advocate_id == advocate.id, Referral.created_at >= now - MONTH),
        monthly_cap=int(settings["monthly_cap"]),
    )
    friend = people.friend(snapshot, hashes)
    reward_id = _chosen_reward(session, shop, settings.get("advocate_reward_id"))
    found = flags(people.advocate(session, advocate, secret), friend, counts)
    first_name = buyer.first_name or (snapshot.customer.first_name if snapshot.customer else None)
    values = {
        "shop_id": shop.id,
        "platform_order_id": order.platform_order_id,
        "friend_code_id": code.id,
        "advocate_id": advocate.id,
        "friend_member_id": order.member_id,
        "friend_first_name": first_name.split()[0][:255] if first_name and first_name.split() else None,
        "basis_minor": order.basis_minor,
        "currency": order.currency,
        "buyer_ip_hash": ip_hash,
        "status": "review" if found else "holding",
        "reasons": list(found),
        "evidence": found,
        "reward_points": 0 if reward_id else int(settings["advocate_points"]),
        "reward_id": reward_id,
        "pays_at": now + timedelta(days=int(settings["hold_days"])),
        "created_at": now,
        "updated_at": now,
    }
    insert_ignore(session, Referral, values, ["shop_id", "platform_order_id"])
    referral = _referral_of(session, shop.id, order.platform_order_id)
    if referral is not None:
        settle(session, shop, order, referral)
        if referral.status == "holding" and referral.pays_at is not None and referral.pays_at <= now:
            _pay(session, shop, order, referral, now)


def _chosen_reward(session: Session, shop: Shop, reward_id: Any) -> int | None:
    """The merchant's chosen reward for advocates, if it is still one of the shop's active rewards."""
    reward = session.get(Reward, reward_id) if isinstance(reward_id, int) else None
    return reward.id if reward is not None and reward.shop_id == shop.id and reward.active else None


def _refunded(session: Session, order: Order) -> bool:
    """Cancelled, voided or refunded (in part or whole): the friend did not keep the order."""
    if order.status == "void" or order.refunded_in_snapshot:
        return True
    refund = session.execute(
        select(OrderRefund.id)
        .where(OrderRefund.shop_id == order.shop_id, OrderRefund.platform_order_id == order.platform_order_id)
        .limit(1)
    ).first()
    return refund is not None


def settle(session: Session, shop: Shop, order: Order, referral: Referral) -> None:
    """An order refunded or cancelled: a waiting referral is void, a paid one taken back."""
    if not _refunded(session, order):
        return
    if referral.status in WAITING:
        referral.status = "void"
    elif referral.status == "paid":
        _take_back(session, referral)
        referral.status = "reversed"


def _post(session: Session, referral: Referral, postings: list[Posting]) -> None:
    member = lock_member(session, referral.advocate_id)
    post_many(session, member, [(posting, None) for posting in postings], "referral", referral.platform_order_id)


def _pay(session: Session, shop: Shop, order: Order, referral: Referral, now: datetime) -> None:
    if _refunded(session, order) or order.status != "paid":
        referral.status = "void"
        return
    if referral.reward_points > 0:
        reward = Posting("points", "available", referral.reward_points, "earn", f"referral:{referral.id}:reward")
        _post(session, referral, [reward])
    if referral.reward_id is not None:
        issue_reward_code(session, shop, referral.advocate_id, referral.reward_id, f"referral:{referral.id}")
    referral.status, referral.paid_at = "paid", now
    domain_events.record(
        session,
        shop.id,
        domain_events.REFERRAL_COMPLETED,
        {"referral_id": referral.id, "order_id": referral.platform_order_id, "points": referral.reward_points},
        member_id=referral.advocate_id,
        key=f"referral.completed:{referral.id}",
    )


def _take_back(session: Session, referral: Referral) -> None:
    if referral.reward_points <= 0:
        return
    member = lock_member(session, referral.advocate_id)
    taken = min(member.points_available, referral.reward_points)
    owed = referral.reward_points - taken
    key = f"referral:{referral.id}:takeback"
    postings = [Posting("points", "available", -taken, "takeback", key)] if taken else []
    if owed:
        postings.append(Posting("points", "debt", owed, "takeback", f"{key}:debt"))
    _post(session, referral, postings)


def _locked(session: Session, shop_id: int, referral_id: int) -> tuple[Order, Referral]:
    """The referral and its order, the order locked first (as a delivery of it locks it)."""
    found = session.execute(
        select(Referral.platform_order_id).where(Referral.shop_id == shop_id, Referral.id == referral_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("no such referral")
    order = session.execute(
        select(Order)
        .where(Order.shop_id == shop_id, Order.platform_order_id == found)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).scalar_one()
    referral = _referral_of(session, shop_id, found)
    if referral is None:
        raise NotFound("no such referral")
    return order, referral


def pay_due(session: Session, now: datetime | None = None, limit: int = 500) -> int:
    """Pay every referral whose hold has passed (or void it if its order did not stay paid)."""
    moment = now or utcnow()
    due = session.execute(
        select(Referral.id, Referral.shop_id)
        .where(Referral.status == "holding", Referral.pays_at <= moment)
        .order_by(Referral.id)
        .limit(limit)
    ).all()
    paid = 0
    for referral_id, shop_id in due:
        order, referral = _locked(session, shop_id, referral_id)
        shop = session.get(Shop, shop_id)
        if shop is None or referral.status != "holding" or referral.pays_at is None or referral.pays_at > moment:
            continue
        _pay(session, shop, order, referral, moment)
        paid += referral.status == "paid"
    return paid


def review(session: Session, shop: Shop, referral_id: int, approve: bool, actor: str) -> Referral:
    """The merchant's decision on a flagged referral: approved, it pays once its hold has passed
    (at once if it has); rejected, it never pays. Only a referral in review can be decided."""
    order, referral = _locked(session, shop.id, referral_id)
    if referral.status != "review":
        raise NotInReview("this referral is not waiting for review")
    now = utcnow()
    referral.decided_by, referral.decided_at = actor[:255], now
    referral.status = "holding" if approve else "rejected"
    if approve and referral.pays_at is not None and referral.pays_at <= now:
        _pay(session, shop, order, referral, now)
    return referral


def on_refund(session: Session, shop: Shop, order: Order) -> None:
    """Called by orders.record_refund with the order row locked."""
    referral = _referral_of(session, shop.id, order.platform_order_id)
    if referral is not None:
        settle(session, shop, order, referral)

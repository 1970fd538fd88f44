"""Bonus points for things a member does besides buying: signing up, a birthday, subscribing to the
newsletter, following the shop on a social network. Each is one available `earn` entry whose
idempotency key names the action, the member and its period (`bonus:birthday:m12:2027`): the limit
is the ledger's unique key, checked under the member's lock (DESIGN.md, "The programme")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base import Customer

from . import domain_events
from .ledger import Posting, lock_member, post
from .members import enroll, find_member, update_profile
from .models import LedgerEntry, Member, Shop
from .reasons import reason as coded_reason
from .settings import current_settings

SOCIAL_NETWORKS = ("instagram", "tiktok", "facebook")
NETWORK_NAMES = {"instagram": "Instagram", "tiktok": "TikTok", "facebook": "Facebook"}


def bonus_key(action: str, member_id: int, period: str | None = None) -> str:
    return f"bonus:{action}:m{member_id}" + (f":{period}" if period else "")


def has_entry(session: Session, shop_id: int, key: str) -> bool:
    found = session.execute(
        select(LedgerEntry.id).where(LedgerEntry.shop_id == shop_id, LedgerEntry.idempotency_key == key)
    ).first()
    return found is not None


def credit(
    session: Session, member: Member, points: int, key: str, source_id: str, reason_code: str, value: object = None
) -> LedgerEntry | None:
    """Post `points` as available under `key`, once: None when the key is taken (or nothing to give)."""
    if points <= 0 or member.erased_at is not None:
        return None
    locked = lock_member(session, member.id)
    if has_entry(session, member.shop_id, key):
        return None
    entry = post(
        session,
        locked,
        Posting("points", "available", points, "earn", key),
        "bonus",
        source_id,
        reason=coded_reason(reason_code, value),
    )
    domain_events.record(
        session,
        member.shop_id,
        domain_events.POINTS_EARNED,
        {"points": points, "state": "available", "available_at": None, "source": "bonus", "action": source_id},
        member_id=member.id,
        key=f"{domain_events.POINTS_EARNED}:{key}",
    )
    return entry


def bonus_points(shop: Shop, name: str) -> int:
    return int(current_settings(shop)["bonus"].get(name) or 0)


def take_customer(session: Session, shop: Shop, customer: Customer) -> Member | None:
    """customers/create|enable|update, customer.created|updated: an account is a member from its
    creation and gets the sign-up bonus once; a record that is no account (a Shopify guest-checkout
    record) only refreshes a member it already is. A subscribed member gets the newsletter bonus once."""
    if customer.account:
        member = enroll(session, shop, customer)
        credit(
            session,
            member,
            bonus_points(shop, "signup_points"),
            bonus_key("signup", member.id),
            "signup",
            "signup_bonus",
        )
    else:
        known = find_member(session, shop.id, customer.platform_customer_id)
        if known is None:
            return None
        member = known
        update_profile(member, customer)
    if customer.marketing_subscribed:
        points = bonus_points(shop, "newsletter_points")
        credit(session, member, points, bonus_key("newsletter", member.id), "newsletter", "newsletter_bonus")
    return member


def social_url(shop: Shop, network: str) -> str | None:
    if network not in SOCIAL_NETWORKS:
        return None
    url = current_settings(shop)["social"].get(f"{network}_url")
    return str(url) if url else None


def follow(session: Session, shop: Shop, member: Member, network: str) -> dict[str, Any]:
    """The shopper clicked through to the shop's profile on `network`: credited once per network.
    Setia cannot see the follow itself (the networks do not tell), so the click is what counts."""
    entry = credit(
        session,
        member,
        bonus_points(shop, "social_points"),
        bonus_key(f"social-{network}", member.id),
        f"social-{network}",
        "social_bonus",
        NETWORK_NAMES[network],
    )
    return {"network": network, "credited": entry is not None, "points": entry.amount if entry else 0}

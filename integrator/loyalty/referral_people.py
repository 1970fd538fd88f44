"""Referrals, who is behind an order (the database side of referral_checks.py): the buyer's email,
phone and shipping address as keyed hashes, remembered per order (BuyerKey) so that a later referral
can be compared with what an advocate's own orders showed; the advocate and friend as the checks
compare them; the friend's earlier orders."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from connectors.base import Buyer
from connectors.base import Order as OrderSnapshot

from .models import BuyerKey, Member, Order, Shop, utcnow
from .referral_checks import Person, address_key, email_key, mask_email, mask_phone, name_key, phone_key
from .referrals import keyed_hash


def buyer_hashes(secret: str, buyer: Buyer | None) -> dict[str, str]:
    if buyer is None:
        return {}
    keys = {
        "email": email_key(buyer.email),
        "phone": phone_key(buyer.phone),
        "address": address_key(buyer.shipping_address),
    }
    return {kind: keyed_hash(secret, kind, key) for kind, key in keys.items() if key}


def record_buyer(session: Session, shop: Shop, order: Order, hashes: dict[str, str]) -> None:
    """Remember who placed the order (hashed), for the checks of later referrals."""
    if not hashes:
        return
    now = utcnow()
    rows = [
        {
            "shop_id": shop.id,
            "platform_order_id": order.platform_order_id,
            "member_id": order.member_id,
            "kind": kind,
            "key_hash": value,
            "created_at": now,
        }
        for kind, value in hashes.items()
    ]
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    statement = (
        dialect.insert(BuyerKey)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["shop_id", "platform_order_id", "kind"])
    )
    session.connection().execute(statement)


def advocate(session: Session, advocate: Member, secret: str) -> Person:
    keys = session.execute(select(BuyerKey.kind, BuyerKey.key_hash).where(BuyerKey.member_id == advocate.id)).all()
    own_email = email_key(advocate.email)
    emails = {value for kind, value in keys if kind == "email"} | (
        {keyed_hash(secret, "email", own_email)} if own_email else set()
    )
    return Person(
        customer_id=advocate.platform_customer_id,
        emails=frozenset(emails),
        phones=frozenset(value for kind, value in keys if kind == "phone"),
        addresses=frozenset(value for kind, value in keys if kind == "address"),
        name=name_key(advocate.first_name, advocate.last_name),
    )


def friend(snapshot: OrderSnapshot, hashes: dict[str, str]) -> Person:
    buyer = snapshot.buyer or Buyer()
    customer = snapshot.customer
    shown = {}
    if buyer.email:
        shown["email"] = mask_email(buyer.email)
    if buyer.phone:
        shown["phone"] = mask_phone(buyer.phone)
    if buyer.shipping_address:
        shown["address"] = ", ".join(buyer.shipping_address[-3:])  # city, postcode, country
    first = buyer.first_name or (customer.first_name if customer else None)
    last = buyer.last_name or (customer.last_name if customer else None)
    if first:
        shown["name"] = f"{first} {last or ''}".strip()
    return Person(
        customer_id=customer.platform_customer_id if customer else None,
        emails=frozenset(v for k, v in hashes.items() if k == "email"),
        phones=frozenset(v for k, v in hashes.items() if k == "phone"),
        addresses=frozenset(v for k, v in hashes.items() if k == "address"),
        name=name_key(first, last),
        shown=shown,
    )


def earlier_orders(session: Session, shop_id: int, order: Order, hashes: dict[str, str], advocate_id: int) -> int:
    """The friend's other paid orders Setia knows: as a member, or by the same email (as a guest, or
    under another account). The advocate's own orders are not the friend's: sharing the advocate's
    email is a check of its own."""
    mine = (
        select(Order.platform_order_id).where(
            Order.shop_id == shop_id, Order.member_id == order.member_id, Order.paid_at.is_not(None)
        )
        if order.member_id is not None
        else None
    )
    ids: set[str] = set(session.execute(mine).scalars()) if mine is not None else set()
    if "email" in hashes:
        ids |= set(
            session.execute(
                select(BuyerKey.platform_order_id)
                .join(
                    Order, (Order.shop_id == BuyerKey.shop_id) & (Order.platform_order_id == BuyerKey.platform_order_id)
                )
                .where(BuyerKey.shop_id == shop_id, BuyerKey.kind == "email", BuyerKey.key_hash == hashes["email"])
                .where(Order.paid_at.is_not(None))
                .where(or_(BuyerKey.member_id.is_(None), BuyerKey.member_id != advocate_id))
            ).scalars()
        )
    ids.discard(order.platform_order_id)
    return len(ids)

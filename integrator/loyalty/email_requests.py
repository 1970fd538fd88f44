"""Privacy requests a merchant makes for a shopper known by email (WordPress's personal data tools
through the Setia plugin): the same export and erasure the platforms' compliance webhooks get."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .members import email_key
from .models import DataRequest, Member, Shop, utcnow
from .privacy import build_export, erase_member, redact_deliveries

KINDS = ("data_request", "customer_redact")


def _members_with_email(session: Session, shop_id: int, email: str) -> list[Member]:
    query = select(Member).where(Member.shop_id == shop_id, Member.email_key == email_key(email))
    return list(session.execute(query.order_by(Member.id)).scalars())


def request_by_email(session: Session, shop: Shop, kind: str, email: str) -> DataRequest:
    """Export (data_request) or erase (customer_redact) every member of the shop with this email;
    recorded as a completed DataRequest. An email Setia does not know is answered the same way,
    with nothing exported or erased."""
    if kind not in KINDS:
        raise ValueError(f"unknown privacy request kind {kind!r}")
    members = _members_with_email(session, shop.id, email)
    export = None
    if kind == "data_request":
        export = {"shoppers": [build_export(session, shop, member, ()) for member in members]}
    else:
        for member in members:
            _erase(session, shop, member)
    now = utcnow()
    row = DataRequest(
        shop_id=shop.id,
        kind=kind,
        platform_customer_id=None,  # kept out: after an erasure it would point back to the person
        member_id=members[0].id if len(members) == 1 else None,
        status="completed",
        export=export,
        created_at=now,
        completed_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _erase(session: Session, shop: Shop, member: Member) -> None:
    customer_id = member.platform_customer_id
    erase_member(member)
    session.execute(
        update(DataRequest)
        .where(DataRequest.shop_id == shop.id, DataRequest.platform_customer_id == customer_id)
        .values(export=None)
    )
    redact_deliveries(session, shop.id, customer_id, set())

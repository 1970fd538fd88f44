"""Privacy requests (GDPR and the platform's compliance webhooks): export a shopper's data for the
merchant, erase a shopper's personal data (amounts stay), erase everything a shop had."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.sql.elements import ColumnElement

from connectors.base import PrivacyRequest

from .birthdays import birthday_view
from .errors import NotFound
from .members import find_member
from .models import (
    ActionCredit,
    ApiKey,
    BuyerKey,
    Coupon,
    CreditTransfer,
    DataRequest,
    Delivery,
    LedgerEntry,
    Member,
    MemberBirthday,
    Order,
    OrderRefund,
    Referral,
    SettingsChange,
    Shop,
    TierChange,
    WebhookEvent,
    utcnow,
)
from .money import format_minor_string
from .shapes import EXPORTED_COUPON, EXPORTED_MEMBER, exported_entry, member_values

REDACTED_BODY = b'{"redacted": true}'


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _order_part(order: Order) -> dict[str, Any]:
    return {
        "platform_order_id": order.platform_order_id,
        "name": order.name,
        "status": order.status,
        "earning_basis": format_minor_string(order.basis_minor, order.currency),
        "currency": order.currency,
        "points": order.points_held,
        "cashback": format_minor_string(order.cashback_held, order.currency),
        "paid_at": _when(order.paid_at),
    }


def _rows(session: Session, model: Any, *where: Any) -> list[Any]:
    return list(session.execute(select(model).where(*where).order_by(model.id)).scalars())


def build_export(session: Session, shop: Shop, member: Member | None, order_ids: tuple[str, ...]) -> dict[str, Any]:
    """Everything Setia holds on one shopper: the member, its ledger, coupons, orders and transfers."""
    order_match: ColumnElement[bool] = Order.platform_order_id.in_(order_ids)
    if member is not None:
        order_match = or_(order_match, Order.member_id == member.id)
    export: dict[str, Any] = {
        "member": None,
        "ledger": [],
        "coupons": [],
        "store_credit_transfers": [],
        "birthday": None,
        "custom_actions": [],
        "tier_changes": [],
        "orders": [_order_part(o) for o in _rows(session, Order, Order.shop_id == shop.id, order_match)],
    }
    if member is None:
        return export
    export["member"] = EXPORTED_MEMBER.dump(member_values(member, shop.currency))
    export["ledger"] = [
        exported_entry(e, shop.currency) for e in _rows(session, LedgerEntry, LedgerEntry.member_id == member.id)
    ]
    export["birthday"] = birthday_view(session.get(MemberBirthday, member.id))
    export["custom_actions"] = [
        {"action": credit.action, "idempotency_key": credit.idempotency_key, "created_at": _when(credit.created_at)}
        for credit in _rows(session, ActionCredit, ActionCredit.member_id == member.id)
    ]
    export["coupons"] = EXPORTED_COUPON.dump(_rows(session, Coupon, Coupon.member_id == member.id), many=True)
    export["store_credit_transfers"] = [
        {"amount": format_minor_string(t.amount, t.currency), "currency": t.currency, "status": t.status}
        for t in _rows(session, CreditTransfer, CreditTransfer.member_id == member.id)
    ]
    export["tier_changes"] = [
        {"from": c.from_tier, "to": c.to_tier, "reason": c.reason, "at": c.created_at.isoformat()}
        for c in _rows(session, TierChange, TierChange.member_id == member.id)
    ]
    return export


def record_data_request(session: Session, shop: Shop, request: PrivacyRequest) -> DataRequest:
    """customers/data_request: build the shopper's export now, for the merchant to fetch through the
    API (the platform sends the request to us; the merchant answers the shopper)."""
    customer_id = request.customer.platform_customer_id if request.customer else None
    if request.request_id is not None:
        existing = session.execute(
            select(DataRequest).where(
                DataRequest.shop_id == shop.id,
                DataRequest.kind == "data_request",
                DataRequest.platform_request_id == request.request_id,
            )
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    member = find_member(session, shop.id, customer_id) if customer_id else None
    now = utcnow()
    row = DataRequest(
        shop_id=shop.id,
        kind="data_request",
        platform_customer_id=customer_id,
        member_id=member.id if member else None,
        platform_request_id=request.request_id,
        status="completed",
        export=build_export(session, shop, member, request.order_ids),
        created_at=now,
        completed_at=now,
    )
    session.add(row)
    session.flush()
    return row


def erase_member(member: Member) -> None:
    """Personal data goes; ids, balances and the ledger stay (they hold no personal data)."""
    member.email = member.email_key = member.first_name = member.last_name = None
    # The platform's customer id links the row back to a person: replace it with a placeholder.
    member.platform_customer_id = f"erased-{member.id}"
    member.erased_at = member.erased_at or utcnow()
    session = object_session(member)
    if session is not None:  # the birthday is personal data too (ways to earn)
        session.execute(delete(MemberBirthday).where(MemberBirthday.member_id == member.id))


def forget_buyer(session: Session, shop_id: int, member_id: int | None, order_ids: set[str]) -> None:
    """The referral data about a shopper: the hashed keys of their orders (a guest's orders by id)
    and their first name on the referrals their orders made."""
    mine = [BuyerKey.platform_order_id.in_(order_ids)] + ([BuyerKey.member_id == member_id] if member_id else [])
    session.execute(delete(BuyerKey).where(BuyerKey.shop_id == shop_id, or_(*mine)))
    theirs = [Referral.platform_order_id.in_(order_ids)] + (
        [Referral.friend_member_id == member_id] if member_id else []
    )
    session.execute(update(Referral).where(Referral.shop_id == shop_id, or_(*theirs)).values(friend_first_name=None))


def redact_customer(session: Session, shop: Shop, request: PrivacyRequest) -> DataRequest:
    """customers/redact: erase the shopper's personal data from the member, earlier exports and
    stored deliveries."""
    customer_id = request.customer.platform_customer_id if request.customer else None
    member = find_member(session, shop.id, customer_id) if customer_id else None
    if member is not None:
        erase_member(member)
        # The emails sent to the member: their address and text go too (the log keeps the states).
        session.execute(
            update(Delivery)
            .where(Delivery.member_id == member.id, Delivery.channel == "email")
            .values(recipient=None, body=None, subject=None)
        )
    forget_buyer(session, shop.id, member.id if member else None, set(request.order_ids))
    if customer_id is not None:
        session.execute(
            update(DataRequest)
            .where(DataRequest.shop_id == shop.id, DataRequest.platform_customer_id == customer_id)
            .values(export=None)
        )
        redact_deliveries(session, shop.id, customer_id, set(request.order_ids))
    now = utcnow()
    row = DataRequest(
        shop_id=shop.id,
        kind="customer_redact",
        platform_customer_id=customer_id,
        member_id=member.id if member else None,
        status="completed",
        created_at=now,
        completed_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _mentions(body: bytes, customer_id: str, order_ids: set[str]) -> bool:
    """Whether a stored delivery is about this customer or one of these orders."""
    try:
        payload = json.loads(body)
    except ValueError:
        return False
    if not isinstance(payload, dict):
        return False
    customer = payload.get("customer")
    ids = {str(payload.get("id")), str(payload.get("order_id")), str(payload.get("customer_id"))}
    if isinstance(customer, dict) and str(customer.get("id")) == customer_id:
        return True
    return customer_id in ids or bool(ids & order_ids)


def redact_deliveries(session: Session, shop_id: int, customer_id: str, order_ids: set[str]) -> int:
    """Blank the bodies of stored deliveries about the customer that are done with (processed,
    ignored or failed), and of the redaction requests themselves (the one being processed included);
    the rows stay so that a repeated delivery is still recognised."""
    done = or_(WebhookEvent.status.in_(("processed", "ignored", "failed")), WebhookEvent.topic == "customers/redact")
    events = session.execute(select(WebhookEvent).where(WebhookEvent.shop_id == shop_id, done)).scalars()
    redacted = 0
    for event in events:
        if event.body != REDACTED_BODY and _mentions(event.body, customer_id, order_ids):
            event.body = REDACTED_BODY
            redacted += 1
    return redacted


def erase_shop(session: Session, shop: Shop, record_topic: str) -> None:
    """shop/redact: delete everything the shop had, ledger included. Its `record_topic` deliveries
    stay, detached from the shop, as the record that the erasure was done."""
    session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.shop_id == shop.id, WebhookEvent.topic == record_topic)
        .values(shop_id=None)
    )
    for model in (LedgerEntry, Coupon, CreditTransfer, OrderRefund, Order, DataRequest, SettingsChange, ApiKey):
        session.execute(delete(model).where(model.shop_id == shop.id))
    session.execute(delete(WebhookEvent).where(WebhookEvent.shop_id == shop.id))
    session.execute(delete(Member).where(Member.shop_id == shop.id))
    # Tables added later reference shops ON DELETE CASCADE: the database removes their rows here.
    session.execute(delete(Shop).where(Shop.id == shop.id))


def data_requests_of(session: Session, shop_id: int, page: int, page_size: int) -> list[DataRequest]:
    query = (
        select(DataRequest)
        .where(DataRequest.shop_id == shop_id)
        .order_by(DataRequest.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(session.execute(query).scalars())


def get_data_request(session: Session, shop_id: int, request_id: int) -> DataRequest:
    row = session.execute(
        select(DataRequest).where(DataRequest.shop_id == shop_id, DataRequest.id == request_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("no such data request")
    return row

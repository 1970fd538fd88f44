"""Who hears about a domain event, and the state of each message (integrator/notify sends them).

An event fans out once into deliveries: an email to the member when the shop has emails on and that
email's switch on (and the member has an address and has not unsubscribed), one webhook per enabled
endpoint subscribed to the event type. Fanning out again adds nothing (each delivery's `dedupe` key
is unique per shop). A delivery is claimed before each attempt (`claim`), so that the job enqueued
after the commit and the periodic sweep never send it at the same time; a claim expires after CLAIM
(a worker killed mid-send), and the message then goes again with the same id: at least once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from . import domain_events as types
from .models import Delivery, DomainEvent, EmailOptOut, Member, Shop, WebhookEndpoint
from .rows import insert_ignore
from .settings import current_settings

# Waits between attempts (Standard Webhooks' advice, about a day and a quarter in all).
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
CLAIM = timedelta(minutes=5)
# An endpoint failing without a single success for this long is disabled (the merchant is told).
DISABLE_AFTER = timedelta(days=5)
# Emails a merchant may find promotional: sent only to members who accept marketing.
MARKETING_KINDS = frozenset({"birthday"})


def email_kind(event_type: str, data: dict[str, Any]) -> str | None:
    """Which shopper email an event makes, if any (the kinds of settings.EMAIL_KINDS)."""
    source = data.get("source")
    if event_type == types.POINTS_EARNED:
        if source == "birthday":
            return "birthday"
        if source == "referral":
            return "referral_reward"
        if source not in (None, "order"):
            return None  # an adjustment, a bonus...: webhooks hear of it, the "your order" email does not fit
        return "points_earned" if _positive(data.get("points")) else None
    if event_type == types.COUPON_CREATED:
        return "code_issued"
    if event_type == types.POINTS_AVAILABLE:
        return "cashback_available" if _positive(data.get("cashback")) else None
    if event_type == types.POINTS_EXPIRING:
        return "points_expiring"
    if event_type == types.TIER_CHANGED:
        return "tier_reached" if data.get("direction", "up") == "up" else None
    if event_type == types.REFERRAL_COMPLETED:
        return "referral_reward" if _positive(data.get("points")) else None
    return None


def _positive(amount: Any) -> bool:
    try:
        return Decimal(str(amount)) > 0
    except (InvalidOperation, ValueError):
        return False


def email_switched_on(shop: Shop, kind: str) -> bool:
    email = current_settings(shop).get("notifications", {}).get("email", {})
    return bool(email.get("enabled")) and bool(email.get(kind, True))


def opted_out(session: Session, member_id: int) -> bool:
    query = select(EmailOptOut.id).where(EmailOptOut.member_id == member_id)
    return session.execute(query).first() is not None


def opt_out(session: Session, shop_id: int, member_id: int, now: datetime) -> None:
    """Unsubscribe a member from Setia's emails (repeatable); pending emails to it are dropped."""
    member = session.get(Member, member_id)
    if member is None or member.shop_id != shop_id:
        return
    values = {"shop_id": shop_id, "member_id": member_id, "created_at": now}
    insert_ignore(session, EmailOptOut, values, ["member_id"])
    session.execute(
        update(Delivery)
        .where(Delivery.member_id == member_id, Delivery.channel == "email", Delivery.status == "pending")
        .values(status="skipped", last_error="unsubscribed")
    )


def _email_recipient(session: Session, shop: Shop, event: DomainEvent, kind: str) -> str | None:
    if event.member_id is None or not email_switched_on(shop, kind):
        return None
    member = session.get(Member, event.member_id)
    if member is None or member.erased_at is not None or not member.email or opted_out(session, member.id):
        return None
    if kind in MARKETING_KINDS and not event.data.get("accepts_marketing"):
        return None  # the platform's marketing consent, as the event reports it
    return member.email


def _add(session: Session, event: DomainEvent, now: datetime, **values: Any) -> None:
    row = {
        "shop_id": event.shop_id,
        "event_id": event.id,
        "member_id": event.member_id,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        **values,
    }
    insert_ignore(session, Delivery, row, ["shop_id", "dedupe"])


def fan_out(session: Session, event_id: int, mail_domain: str, now: datetime) -> bool:
    """Create the event's deliveries (once); False when the event is gone or was fanned out."""
    event = session.execute(
        select(DomainEvent).where(DomainEvent.id == event_id).with_for_update()
    ).scalar_one_or_none()
    if event is None or event.fanned_out_at is not None:
        return False
    shop = session.get(Shop, event.shop_id)
    if shop is None:
        return False
    kind = email_kind(event.type, event.data)
    recipient = _email_recipient(session, shop, event, kind) if kind else None
    if kind and recipient:
        message_id = f"<setia.{event.id}.{shop.public_id}@{mail_domain}>"
        _add(
            session,
            event,
            now,
            channel="email",
            dedupe=f"email:{event.id}",
            message_id=message_id,
            template=kind,
            recipient=recipient,
        )
    endpoints = session.execute(
        select(WebhookEndpoint).where(WebhookEndpoint.shop_id == shop.id, WebhookEndpoint.disabled_at.is_(None))
    ).scalars()
    for endpoint in endpoints:
        if event.type in (endpoint.events or []):
            _add(
                session,
                event,
                now,
                channel="webhook",
                dedupe=f"webhook:{event.id}:{endpoint.id}",
                message_id=f"msg_{event.id}",
                endpoint_id=endpoint.id,
                recipient=endpoint.url,
                template=event.type,
            )
    event.fanned_out_at = now
    return True


def events_to_fan_out(session: Session, limit: int = 500) -> list[int]:
    query = select(DomainEvent.id).where(DomainEvent.fanned_out_at.is_(None)).order_by(DomainEvent.id).limit(limit)
    return list(session.execute(query).scalars())


def pending_of(session: Session, event_ids: list[int]) -> list[int]:
    query = select(Delivery.id).where(Delivery.event_id.in_(event_ids), Delivery.status == "pending")
    return list(session.execute(query.order_by(Delivery.id)).scalars())


def due_deliveries(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come and that no live attempt holds."""
    query = (
        select(Delivery.id)
        .where(
            Delivery.status == "pending",
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until <= now),
        )
        .order_by(Delivery.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def claim(session: Session, delivery_id: int, now: datetime) -> bool:
    """Take the next attempt of a delivery; False when it is not due or another attempt holds it."""
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == "pending",
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until <= now),
        )
        .values(claimed_until=now + CLAIM, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: sent, recorded (no SMTP), or an error worth trying again (`retry`)."""

    status: str  # sent | recorded | error (tried again) | refused (for good) | skipped (not to send)
    error: str | None = None
    response_status: int | None = None
    body: str | None = None
    subject: str | None = None


def finish(session: Session, delivery_id: int, outcome: Outcome, now: datetime) -> str:
    """Record an attempt's outcome; the delivery's status after it."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return "gone"
    delivery.claimed_until = None
    delivery.response_status = outcome.response_status
    delivery.subject = (outcome.subject or delivery.subject or "")[:300] or None
    if outcome.body is not None:
        delivery.body = outcome.body
    if outcome.status in ("sent", "recorded"):
        delivery.status, delivery.sent_at, delivery.last_error = outcome.status, now, None
    elif outcome.status == "skipped":
        delivery.status, delivery.last_error = "skipped", outcome.error
    elif outcome.status == "error" and delivery.attempts < MAX_ATTEMPTS:
        delivery.last_error = (outcome.error or "")[:2000]
        delivery.next_attempt_at = now + RETRY_DELAYS[max(delivery.attempts - 1, 0)]
    else:
        delivery.status, delivery.last_error = "failed", (outcome.error or "")[:2000]
    if delivery.endpoint_id is not None:
        _note_endpoint(session, delivery.endpoint_id, outcome.status == "sent", now)
    return delivery.status


def _note_endpoint(session: Session, endpoint_id: int, ok: bool, now: datetime) -> None:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        return
    if ok:
        endpoint.failing_since = None
    elif endpoint.failing_since is None:
        endpoint.failing_since = now
    elif now - endpoint.failing_since >= DISABLE_AFTER and endpoint.disabled_at is None:
        endpoint.disabled_at = now


def redeliver(session: Session, shop_id: int, delivery_id: int, now: datetime) -> Delivery | None:
    """Send a delivery again (the merchant asked): pending now, attempts counted afresh."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.shop_id != shop_id:
        return None
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, now
    delivery.claimed_until = None
    return delivery


KEEP = timedelta(days=90)


def prune(session: Session, before: datetime, limit: int = 1000) -> int:
    """Delete events recorded before `before` (and their deliveries, by the foreign key) once none of
    their deliveries is pending: the log keeps 90 days. Returns how many events went."""
    pending = select(Delivery.id).where(Delivery.event_id == DomainEvent.id, Delivery.status == "pending").exists()
    ids = list(
        session.execute(
            select(DomainEvent.id)
            .where(DomainEvent.created_at < before, DomainEvent.fanned_out_at.is_not(None), ~pending)
            .order_by(DomainEvent.id)
            .limit(limit)
        ).scalars()
    )
    if ids:
        session.execute(delete(Delivery).where(Delivery.event_id.in_(ids)))
        session.execute(delete(DomainEvent).where(DomainEvent.id.in_(ids)))
    return len(ids)

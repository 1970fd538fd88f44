"""The delivery jobs. After a transaction that recorded domain events commits, `kick` enqueues
`deliver_events` (RQ, or inline without Redis): it fans each event out into deliveries and sends
them. `deliver_due` (periodic, every minute) fans out what was never fanned out and sends what is
due again (a crash between commit and send, a lost job, Redis down, a retry whose time has come).
Every attempt is claimed first (loyalty/notifications.py), so the two never send one at once."""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from functools import partial
from typing import Any

from itsdangerous import URLSafeSerializer
from sqlalchemy.orm import Session

from integrator.loyalty import notifications
from integrator.loyalty.domain_events import recorded_in
from integrator.loyalty.models import Delivery, DomainEvent, Member, Shop, WebhookEndpoint, utcnow
from integrator.loyalty.settings import current_settings
from integrator.queue import enqueue, in_transaction
from integrator.services import services

from . import mail, webhook_send
from .render import Brand, render

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "setia-unsubscribe"


def kick(info: dict[str, Any]) -> None:
    """Database commit hook: deliver the events this transaction recorded, now. Never raises: the
    events are stored, and deliver_due finds whatever this misses."""
    ids = recorded_in(info)
    if not ids:
        return
    try:
        enqueue(deliver_events, ids)
    except Exception:  # noqa: BLE001 (the commit stands; the sweep delivers)
        log.exception("could not start the delivery of events %s", ids)


def mail_domain() -> str:
    address = parseaddr(services().config.mail_from)[1]
    return address.rsplit("@", 1)[-1] or "localhost"


def deliver_events(event_ids: list[int]) -> int:
    """Fan out these events and send their deliveries; how many were sent or recorded."""
    domain, now = mail_domain(), utcnow()
    in_transaction(partial(_fan_out_all, event_ids=event_ids, domain=domain, now=now))
    with services().db.session() as session:
        pending = notifications.pending_of(session, event_ids)
    return sum(send_delivery(delivery_id) in ("sent", "recorded") for delivery_id in pending)


def _fan_out_all(session: Session, event_ids: list[int], domain: str, now: datetime) -> None:
    """One transaction for the events of one commit (an order's: enrolled, earned)."""
    for event_id in event_ids:
        notifications.fan_out(session, event_id, domain, now)


def deliver_due() -> int:
    """The periodic sweep: events never fanned out, then deliveries due. Returns how many it enqueued."""
    with services().db.session() as session:
        events = notifications.events_to_fan_out(session)
    domain, now = mail_domain(), utcnow()
    for event_id in events:
        in_transaction(partial(notifications.fan_out, event_id=event_id, mail_domain=domain, now=now))
    with services().db.session() as session:
        due = notifications.due_deliveries(session, utcnow())
    slot = int(time.time()) // 60
    for delivery_id in due:
        enqueue(send_delivery, delivery_id, job_id=f"delivery-{delivery_id}-{slot}")
    return len(due)


def unsubscribe_token(shop_id: int, member_id: int) -> str:
    return URLSafeSerializer(services().config.secret_key, salt=UNSUBSCRIBE_SALT).dumps([shop_id, member_id])


def read_unsubscribe_token(token: str) -> tuple[int, int] | None:
    from itsdangerous import BadSignature

    try:
        shop_id, member_id = URLSafeSerializer(services().config.secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(shop_id, int) and isinstance(member_id, int)):
        return None
    return shop_id, member_id


def unsubscribe_url(shop_id: int, member_id: int) -> str:
    return f"{services().config.app_url}/unsubscribe/{unsubscribe_token(shop_id, member_id)}"


def brand_of(shop: Shop) -> Brand:
    settings = current_settings(shop)
    colour = settings.get("widget", {}).get("accent_color") or "#0f766e"
    logo = (settings.get("branding") or {}).get("logo_url") if isinstance(settings.get("branding"), dict) else None
    return Brand(shop.name or shop.domain, shop.language, shop.currency, colour, logo)


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    channel: str
    mail: mail.Mail | None = None
    url: str | None = None
    secret: str | None = None
    message_id: str | None = None
    body: bytes | None = None
    skip: str | None = None  # why this delivery is no longer to be sent
    refuse: str | None = None  # why it can never be sent


def _member_shape(member: Member | None) -> dict[str, Any] | None:
    if member is None:
        return None
    return {
        "id": member.id,
        "platform_customer_id": member.platform_customer_id,
        "email": None if member.erased_at else member.email,
        "points_available": member.points_available,
        "points_pending": member.points_pending,
    }


def _prepare(session: Session, delivery_id: int) -> Attempt:
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:  # claimed a moment ago; deleted with its shop since
        return Attempt(delivery_id, "gone", skip="the delivery is gone")
    event = session.get(DomainEvent, delivery.event_id)
    shop = session.get(Shop, delivery.shop_id)
    member = session.get(Member, delivery.member_id) if delivery.member_id else None
    if event is None or shop is None:
        return Attempt(delivery_id, delivery.channel, skip="the event or shop is gone")
    if delivery.channel == "email":
        if member is None or member.erased_at or not member.email or notifications.opted_out(session, member.id):
            return Attempt(delivery_id, "email", skip="the member can no longer be emailed")
        brand = brand_of(shop)
        kind = delivery.template or "points_earned"
        name = member.first_name
        rendered = render(kind, brand, event.data, member.points_available, name, unsubscribe_url(shop.id, member.id))
        message = mail.Mail(
            member.email,
            rendered.subject,
            rendered.text,
            rendered.html,
            delivery.message_id,
            unsubscribe_url(shop.id, member.id),
            brand.name,
        )
        return Attempt(delivery_id, "email", mail=message)
    endpoint = session.get(WebhookEndpoint, delivery.endpoint_id) if delivery.endpoint_id else None
    if endpoint is None or endpoint.disabled_at is not None:
        return Attempt(delivery_id, "webhook", skip="the endpoint is deleted or disabled")
    data = {**event.data}
    if event.member_id is not None:
        data["member"] = _member_shape(member)
    return Attempt(
        delivery_id,
        "webhook",
        url=endpoint.url,
        secret=services().box.decrypt(endpoint.secret_enc),
        message_id=delivery.message_id,
        body=webhook_send.payload(event.type, event.created_at, data),
    )


def _send_email(message: mail.Mail) -> notifications.Outcome:
    config = services().config
    try:
        composed = mail.compose(message, config.mail_from)
    except (mail.HeaderInjection, ValueError) as exc:
        return notifications.Outcome("refused", f"not sent: {exc}", subject=message.subject)
    if config.smtp_url is None:
        return notifications.Outcome("recorded", body=message.html, subject=message.subject)
    try:
        mail.send(config.smtp_url, composed)
    except mail.MailRefused as exc:
        return notifications.Outcome("refused", str(exc), subject=message.subject)
    except (smtplib.SMTPException, OSError) as exc:
        return notifications.Outcome("error", f"{exc.__class__.__name__}: {exc}", subject=message.subject)
    return notifications.Outcome("sent", subject=message.subject)


def _attempt(attempt: Attempt) -> notifications.Outcome:
    if attempt.refuse:
        return notifications.Outcome("refused", attempt.refuse)
    if attempt.skip:
        return notifications.Outcome("skipped", attempt.skip)
    if attempt.mail is not None:
        return _send_email(attempt.mail)
    if not (attempt.url and attempt.secret and attempt.message_id and attempt.body is not None):
        return notifications.Outcome("skipped", "nothing to send")
    allow_private = services().config.allow_private_store_urls
    answer = webhook_send.post(attempt.url, attempt.secret, attempt.message_id, attempt.body, utcnow(), allow_private)
    if answer.ok:
        return notifications.Outcome("sent", response_status=answer.status)
    return notifications.Outcome("error", answer.error, response_status=answer.status)


def send_delivery(delivery_id: int) -> str:
    """One attempt at one delivery: its status afterwards ("skipped" when it was not ours to send)."""
    if not in_transaction(lambda session: notifications.claim(session, delivery_id, utcnow())):
        return "skipped"
    try:
        with services().db.session() as session:
            attempt = _prepare(session, delivery_id)
    except Exception as exc:  # noqa: BLE001 (an event this code cannot word: failed, not retried forever)
        log.exception("delivery %s cannot be prepared", delivery_id)
        attempt = Attempt(delivery_id, "unknown", refuse=f"cannot be prepared: {exc.__class__.__name__}")
    outcome = _attempt(attempt)
    status: str = in_transaction(lambda session: notifications.finish(session, delivery_id, outcome, utcnow()))
    return status

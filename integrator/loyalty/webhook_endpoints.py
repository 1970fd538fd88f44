"""The merchant's webhook endpoints: registered with the event types they want, a signing secret
(kept encrypted), their delivery log. The URL is checked by the caller (the SSRF guard resolves
names: no network here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import domain_events
from .errors import InvalidSettings, NotFound
from .models import MAX_ROW_ID, Delivery, DomainEvent, WebhookEndpoint, utcnow
from .rows import count_rows

MAX_ENDPOINTS = 20


def create_endpoint(session: Session, shop_id: int, url: str, events: list[str], secret_enc: bytes) -> WebhookEndpoint:
    unknown = [name for name in events if name not in domain_events.TYPES]
    if unknown or not events:
        raise InvalidSettings("invalid input", {"events": [f"Must be one of: {', '.join(domain_events.TYPES)}."]})
    if count_rows(session, WebhookEndpoint, WebhookEndpoint.shop_id == shop_id) >= MAX_ENDPOINTS:
        raise InvalidSettings("invalid input", {"url": [f"A shop has at most {MAX_ENDPOINTS} webhook endpoints."]})
    endpoint = WebhookEndpoint(
        shop_id=shop_id, url=url, events=sorted(set(events)), secret_enc=secret_enc, created_at=utcnow()
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def endpoints_of(session: Session, shop_id: int) -> list[WebhookEndpoint]:
    query = select(WebhookEndpoint).where(WebhookEndpoint.shop_id == shop_id).order_by(WebhookEndpoint.id)
    return list(session.execute(query).scalars())


def get_endpoint(session: Session, shop_id: int, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id) if 0 < endpoint_id <= MAX_ROW_ID else None
    if endpoint is None or endpoint.shop_id != shop_id:
        raise NotFound("no such webhook endpoint")
    return endpoint


def delete_endpoint(session: Session, shop_id: int, endpoint_id: int) -> None:
    session.delete(get_endpoint(session, shop_id, endpoint_id))


def enable_endpoint(session: Session, shop_id: int, endpoint_id: int) -> WebhookEndpoint:
    """Switch a disabled endpoint back on (the merchant fixed it)."""
    endpoint = get_endpoint(session, shop_id, endpoint_id)
    endpoint.disabled_at, endpoint.failing_since = None, None
    return endpoint


def deliveries_of(
    session: Session, shop_id: int, endpoint_id: int, page: int, page_size: int
) -> tuple[list[tuple[Delivery, str]], int]:
    """An endpoint's deliveries, newest first, with their event types; and how many in all."""
    get_endpoint(session, shop_id, endpoint_id)
    query = (
        select(Delivery, DomainEvent.type)
        .join(DomainEvent, DomainEvent.id == Delivery.event_id)
        .where(Delivery.shop_id == shop_id, Delivery.endpoint_id == endpoint_id)
        .order_by(Delivery.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = [(delivery, event_type) for delivery, event_type in session.execute(query)]
    total = count_rows(session, Delivery, Delivery.shop_id == shop_id, Delivery.endpoint_id == endpoint_id)
    return rows, total


def disabled_endpoints(session: Session, shop_id: int) -> list[WebhookEndpoint]:
    """Endpoints the failures disabled: the merchant pages show a notice for each."""
    return [endpoint for endpoint in endpoints_of(session, shop_id) if endpoint.disabled_at is not None]


def emails_of(session: Session, shop_id: int, member_id: int, limit: int = 50) -> list[Delivery]:
    """A member's email log, newest first (the members page)."""
    query = (
        select(Delivery)
        .where(Delivery.shop_id == shop_id, Delivery.member_id == member_id, Delivery.channel == "email")
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def is_due(delivery: Delivery, now: datetime) -> bool:
    return delivery.status == "pending" and (delivery.next_attempt_at is None or delivery.next_attempt_at <= now)

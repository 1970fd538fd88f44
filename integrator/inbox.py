"""The inbox: a verified delivery is stored (unique per shop and delivery id) before it is acknowledged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from integrator.loyalty.models import WebhookEvent, utcnow
from integrator.loyalty.rows import insert_ignore


@dataclass(frozen=True)
class Incoming:
    platform: str
    shop_key: str
    shop_id: int | None
    topic: str
    delivery_id: str
    event_id: str | None
    triggered_at: datetime | None
    body: bytes


def store_delivery(session: Session, incoming: Incoming, status: str) -> int | None:
    """Insert the delivery; None when the same delivery (or event) was stored before."""
    return insert_ignore(
        session,
        WebhookEvent,
        {
            "platform": incoming.platform,
            "shop_key": incoming.shop_key,
            "shop_id": incoming.shop_id,
            "topic": incoming.topic,
            "delivery_id": incoming.delivery_id,
            "event_id": incoming.event_id,
            "triggered_at": incoming.triggered_at,
            "body": incoming.body,
            "status": status,
            "attempts": 0,
            "received_at": utcnow(),
        },
    )

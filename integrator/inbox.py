"""The inbox: a verified delivery is stored (unique per shop and delivery id) before it is acknowledged."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import LargeBinary, bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from integrator.loyalty.models import UTCDateTime, utcnow

# One statement for PostgreSQL and SQLite (>= 3.35), as text: SQLAlchemy cannot cache the compiled
# form of its dialect-specific INSERT ... ON CONFLICT, and compiling it on every webhook cost more
# than executing it. Typed parameters keep the UTC and binary handling of the model's columns.
STORE = text(
    "INSERT INTO webhook_events (platform, shop_key, shop_id, topic, delivery_id, event_id, triggered_at,"
    " body, status, attempts, received_at) VALUES (:platform, :shop_key, :shop_id, :topic, :delivery_id,"
    " :event_id, :triggered_at, :body, :status, :attempts, :received_at)"
    " ON CONFLICT DO NOTHING RETURNING id"
).bindparams(
    bindparam("triggered_at", type_=UTCDateTime()),
    bindparam("received_at", type_=UTCDateTime()),
    bindparam("body", type_=LargeBinary()),
)


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


def store_delivery(db: Session | Connection, incoming: Incoming, status: str) -> int | None:
    """Insert the delivery; None when the same delivery (or the same event) was stored before."""
    connection = db.connection() if isinstance(db, Session) else db
    params = {**asdict(incoming), "status": status, "attempts": 0, "received_at": utcnow()}
    return connection.execute(STORE, params).scalar_one_or_none()

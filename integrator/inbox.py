"""The inbox: a verified delivery is stored (unique per shop and delivery id) before it is acknowledged.
Bodies no longer needed are blanked later (retention); the rows stay, as they recognise a repeat."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import LargeBinary, bindparam, func, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from integrator.loyalty.models import UTCDateTime, WebhookEvent, utcnow

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


# --- retention ----------------------------------------------------------------------------------

PRUNED_BODY = b""
DONE = ("processed", "ignored")  # failed and waiting deliveries keep their body: a retry needs it
# A shop's deliveries of topics Setia ignores (and deliveries for shops it does not know) keep their
# body only for the newest ones, per platform and shop: enough to see what a platform sends.
IGNORED_BODIES_KEPT = 100
# The periodic mark up to which old bodies are pruned; each run looks back this much further, for
# deliveries that were still being retried when they passed the retention age.
PRUNED_THROUGH = "webhook_bodies_pruned_through"
LOOK_BACK = timedelta(days=1)


def _blank(session: Session, ids: list[int]) -> int:
    if ids:
        session.execute(
            update(WebhookEvent).where(WebhookEvent.id.in_(ids), WebhookEvent.status.in_(DONE)).values(body=PRUNED_BODY)
        )
    return len(ids)


def prune_expired(
    session: Session, before: datetime, since: datetime | None, limit: int
) -> tuple[int, datetime | None]:
    """Blank the bodies of up to `limit` processed or ignored deliveries received in [since, before),
    oldest first. Returns how many, and when the last of them was received (where to go on from)."""
    query = select(WebhookEvent.id, WebhookEvent.received_at).where(
        WebhookEvent.status.in_(DONE), WebhookEvent.received_at < before, WebhookEvent.body != PRUNED_BODY
    )
    if since is not None:
        query = query.where(WebhookEvent.received_at >= since)
    found = session.execute(query.order_by(WebhookEvent.received_at).limit(limit)).all()
    last = found[-1].received_at if found else None
    return _blank(session, [row.id for row in found]), last


def shops_over_ignored_cap(session: Session, since: datetime) -> list[tuple[str, str]]:
    """(platform, shop key) of the shops keeping more than IGNORED_BODIES_KEPT ignored bodies
    received since `since` (older ones are the retention's)."""
    query = (
        select(WebhookEvent.platform, WebhookEvent.shop_key)
        .where(WebhookEvent.status == "ignored", WebhookEvent.received_at >= since, WebhookEvent.body != PRUNED_BODY)
        .group_by(WebhookEvent.platform, WebhookEvent.shop_key)
        .having(func.count() > IGNORED_BODIES_KEPT)
    )
    return [(platform, shop_key) for platform, shop_key in session.execute(query)]


def prune_ignored_beyond_cap(session: Session, platform: str, shop_key: str, limit: int) -> int:
    """Blank up to `limit` ignored bodies of the shop older than its newest IGNORED_BODIES_KEPT."""
    kept = (
        WebhookEvent.platform == platform,
        WebhookEvent.shop_key == shop_key,
        WebhookEvent.status == "ignored",
        WebhookEvent.body != PRUNED_BODY,
    )
    first_pruned = session.execute(
        select(WebhookEvent.id).where(*kept).order_by(WebhookEvent.id.desc()).offset(IGNORED_BODIES_KEPT).limit(1)
    ).scalar_one_or_none()
    if first_pruned is None:
        return 0
    ids = select(WebhookEvent.id).where(*kept, WebhookEvent.id <= first_pruned)
    return _blank(session, list(session.execute(ids.order_by(WebhookEvent.id.desc()).limit(limit)).scalars()))

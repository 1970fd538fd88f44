"""Domain events: what others hear about (emails, outbound webhooks). Each is written in the same
transaction as the change it reports (a transactional outbox); jobs deliver them afterwards.

`record` is the one call the programme code makes: one INSERT ... ON CONFLICT DO NOTHING into the
`events` table, in the caller's session. The ids recorded are kept in `session.info` so that, once
the transaction commits, the app enqueues their delivery at once (integrator/notify_jobs.py); the
periodic sweep delivers whatever that missed (a crash between commit and send)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import DomainEvent, utcnow
from .rows import insert_ignore

# The contract's event names (CONTRACT.md, outbound webhooks). What `data` carries is documented in
# docs/webhooks.md; the emails (loyalty/notifications.email_kind, notify/render.py) read:
#   points.earned      points, cashback, currency, state, available_at, source ("order", "birthday" with
#                      accepts_marketing: the platform's marketing consent, "referral", ...), order_name
#   coupon.created     code, kind, value_type, value, min_order, expires_at
#   points.expiring    points, expires_at, days_before (30 or 7)
#   tier.changed       tier (the new tier's name), previous, direction ("up" | "down")
#   referral.completed points (what the advocate earned)
MEMBER_ENROLLED = "member.enrolled"
POINTS_EARNED = "points.earned"
POINTS_AVAILABLE = "points.available"
POINTS_REDEEMED = "points.redeemed"
POINTS_EXPIRING = "points.expiring"
POINTS_EXPIRED = "points.expired"
TIER_CHANGED = "tier.changed"
REFERRAL_COMPLETED = "referral.completed"
COUPON_CREATED = "coupon.created"

TYPES = (
    MEMBER_ENROLLED,
    POINTS_EARNED,
    POINTS_AVAILABLE,
    POINTS_REDEEMED,
    POINTS_EXPIRING,
    POINTS_EXPIRED,
    TIER_CHANGED,
    REFERRAL_COMPLETED,
    COUPON_CREATED,
)


def record(
    session: Session,
    shop_id: int,
    type: str,
    data: dict[str, Any],
    *,
    member_id: int | None = None,
    key: str,
) -> None:
    """Records one event in the caller's transaction. `key` names the change (e.g.
    "points.earned:order:123"): the same key for the same shop is recorded once, so a replayed
    delivery reports nothing twice. `data` is JSON-serialisable (decimal amounts as strings)."""
    if type not in TYPES:
        raise ValueError(f"unknown event type {type!r}")
    values = {
        "shop_id": shop_id,
        "member_id": member_id,
        "type": type,
        "key": key[:200],
        "data": data,
        "created_at": utcnow(),
    }
    event_id = insert_ignore(session, DomainEvent, values, ["shop_id", "key"])
    if event_id is not None:
        session.info.setdefault(RECORDED, []).append(event_id)


# session.info key: the ids of the events recorded in this transaction (delivered after its commit).
RECORDED = "domain_events"


def recorded_in(info: dict[str, Any]) -> list[int]:
    """The events a committed session recorded, forgotten once read."""
    ids: list[int] = info.pop(RECORDED, [])
    return ids

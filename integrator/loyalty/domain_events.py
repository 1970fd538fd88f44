"""Domain events: what others hear about (emails, outbound webhooks). Each is written in the same
transaction as the change it reports (a transactional outbox); jobs deliver them afterwards.

`record` is the one call the programme code makes. Until the delivery side exists (issue 19) it
writes nothing; its signature is the interface the programme code uses meanwhile."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

# The contract's event names (CONTRACT.md, outbound webhooks).
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
    return None

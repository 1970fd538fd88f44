"""Pending points and cashback with the day they become available: one line per order still
pending, soonest first. `available_at` is null while the order waits for its fulfilment (setting
`pending_from: "fulfilled"`); then `waits_for` says so."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .models import Order
from .money import format_minor_string

MAX_PENDING_LINES = 20


def pending_of(session: Session, shop_id: int, member_id: int, currency: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Order)
        .where(Order.shop_id == shop_id, Order.member_id == member_id)
        .where(or_(Order.points_pending > 0, Order.cashback_pending > 0))
        .order_by(Order.vests_at.is_(None), Order.vests_at, Order.id)
        .limit(MAX_PENDING_LINES)
    ).scalars()
    return [
        {
            "order": order.name,
            "points": order.points_pending,
            "cashback": format_minor_string(order.cashback_pending, currency),
            "available_at": order.vests_at.isoformat() if order.vests_at else None,
            "waits_for": "fulfilment" if order.vests_at is None else None,
        }
        for order in rows
    ]

"""The domain events an order's postings make: points (and cashback) earned, and pending amounts
becoming available. Recorded by orders.py in the transaction that posts them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from . import domain_events
from .models import Order
from .money import format_minor_string
from .postings import Move


def _amount(moves: Sequence[Move], account: str, kind: str, state: str) -> int:
    return sum(
        m.posting.amount
        for m in moves
        if (m.posting.account, m.posting.kind, m.posting.state) == (account, kind, state)
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def record_order_events(session: Session, order: Order, moves: Sequence[Move]) -> None:
    """points.earned for what this reconciliation credited (state pending or available, with
    `available_at`), points.available for what it vested. Keyed by the order's revision: a replayed
    delivery posts nothing and so records nothing."""
    if order.member_id is None:
        return
    base = {"order_id": order.platform_order_id, "order_name": order.name, "currency": order.currency}
    for state in ("pending", "available"):
        points = _amount(moves, "points", "earn", state)
        cashback = _amount(moves, "cashback", "earn", state)
        if points > 0 or cashback > 0:
            available_at = next((m.available_at for m in moves if m.posting.kind == "earn" and m.available_at), None)
            data = {
                **base,
                "source": "order",
                "points": points,
                "cashback": format_minor_string(cashback, order.currency),
                "state": state,
                "available_at": _iso(available_at) if state == "pending" else None,
            }
            key = f"{domain_events.POINTS_EARNED}:order:{order.platform_order_id}:r{order.revision}:{state}"
            domain_events.record(
                session, order.shop_id, domain_events.POINTS_EARNED, data, member_id=order.member_id, key=key
            )
    points = _amount(moves, "points", "vest", "available")
    cashback = _amount(moves, "cashback", "vest", "available")
    if points > 0 or cashback > 0:
        data = {**base, "points": points, "cashback": format_minor_string(cashback, order.currency)}
        key = f"{domain_events.POINTS_AVAILABLE}:order:{order.platform_order_id}:r{order.revision}"
        domain_events.record(
            session, order.shop_id, domain_events.POINTS_AVAILABLE, data, member_id=order.member_id, key=key
        )

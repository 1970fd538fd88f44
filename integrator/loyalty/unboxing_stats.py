"""Did the cards work? Per week (Monday to Sunday, in the shop's time zone): cards printed, scans,
codes used, and the revenue (earning basis) of the orders that used them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Order, Shop, UnboxingCard, UnboxingScan
from .unboxing import day_window, shop_zone


@dataclass
class Week:
    start: date  # a Monday
    printed: int = 0
    scans: int = 0
    redeemed: int = 0
    revenue_minor: int = 0


def _monday(moment: datetime, shop: Shop) -> date:
    day = moment.astimezone(shop_zone(shop)).date()
    return day - timedelta(days=day.weekday())


def weekly(session: Session, shop: Shop, today: date, weeks: int = 8) -> list[Week]:
    """The last `weeks` weeks, oldest first, the current one included."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    start, end = day_window(shop, first, today)
    rows = {first + timedelta(weeks=n): Week(first + timedelta(weeks=n)) for n in range(weeks)}

    def bucket(moment: datetime | None) -> Week | None:
        return rows.get(_monday(moment, shop)) if moment is not None else None

    printed = select(UnboxingCard.printed_at).where(
        UnboxingCard.shop_id == shop.id, UnboxingCard.printed_at >= start, UnboxingCard.printed_at < end
    )
    for (moment,) in session.execute(printed):
        if (week := bucket(moment)) is not None:
            week.printed += 1
    scans = select(UnboxingScan.scanned_at).where(
        UnboxingScan.shop_id == shop.id, UnboxingScan.scanned_at >= start, UnboxingScan.scanned_at < end
    )
    for (moment,) in session.execute(scans):
        if (week := bucket(moment)) is not None:
            week.scans += 1
    redeemed = (
        select(UnboxingCard.redeemed_at, Order.basis_minor)
        .outerjoin(
            Order, (Order.shop_id == UnboxingCard.shop_id) & (Order.platform_order_id == UnboxingCard.redeemed_order)
        )
        .where(UnboxingCard.shop_id == shop.id, UnboxingCard.redeemed_at >= start, UnboxingCard.redeemed_at < end)
    )
    for moment, basis in session.execute(redeemed):
        if (week := bucket(moment)) is not None:
            week.redeemed += 1
            week.revenue_minor += int(basis or 0)
    return list(rows.values())

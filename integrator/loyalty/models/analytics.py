"""The analytics job's pre-aggregated days and "as of now" snapshots."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class AnalyticsDay(Base):
    """One shop's program on one UTC day, pre-aggregated by the analytics job from members, orders
    and the ledger (integrator/loyalty/analytics.py); the dashboard reads only these rows. Amounts
    of money are minor units of the shop's currency."""

    __tablename__ = "analytics_days"
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    members_enrolled: Mapped[int] = mapped_column(BigInteger, default=0)
    members_buying: Mapped[int] = mapped_column(BigInteger, default=0)  # distinct members with a paid order
    member_orders: Mapped[int] = mapped_column(BigInteger, default=0)
    member_revenue: Mapped[int] = mapped_column(BigInteger, default=0)
    guest_orders: Mapped[int] = mapped_column(BigInteger, default=0)
    guest_revenue: Mapped[int] = mapped_column(BigInteger, default=0)
    reward_orders: Mapped[int] = mapped_column(BigInteger, default=0)
    reward_revenue: Mapped[int] = mapped_column(BigInteger, default=0)
    unboxing_orders: Mapped[int] = mapped_column(BigInteger, default=0)
    unboxing_revenue: Mapped[int] = mapped_column(BigInteger, default=0)
    points_issued: Mapped[int] = mapped_column(BigInteger, default=0)
    points_redeemed: Mapped[int] = mapped_column(BigInteger, default=0)
    points_expired: Mapped[int] = mapped_column(BigInteger, default=0)
    points_net: Mapped[int] = mapped_column(BigInteger, default=0)  # change of pending + available
    cashback_issued: Mapped[int] = mapped_column(BigInteger, default=0)
    cashback_spent: Mapped[int] = mapped_column(BigInteger, default=0)
    cashback_net: Mapped[int] = mapped_column(BigInteger, default=0)
    redemptions: Mapped[int] = mapped_column(BigInteger, default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnalyticsSnapshot(Base):
    """What the dashboard shows "as of now" for a shop (repeat purchases, active members, RFM
    segments, top customers by member id), recomputed by the analytics job."""

    __tablename__ = "analytics_snapshots"
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Rewards members spend points on, and the coupons (discount codes) Setia makes on the store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class Reward(Base):
    """Something a member can spend points on; redeeming it makes a single-use coupon."""

    __tablename__ = "rewards"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    points_cost: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # fixed_amount | percentage | free_shipping
    value: Mapped[str] = mapped_column(String(32))  # decimal string: amount in shop currency, or percent
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The order subtotal the issued code needs (decimal string in shop currency); None = no minimum.
    min_order: Mapped[str | None] = mapped_column(String(32), nullable=True)
    expires_days: Mapped[int] = mapped_column(Integer, default=90)  # the issued code's lifetime
    # Offered only to members of this tier (absent from the public programme); None: to everyone.
    tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Coupon(Base):
    """A discount code Setia made on the store for a member (unboxing, or a redeemed reward).
    Created `pending`, made on the platform by a job, then `active` (or `failed`)."""

    __tablename__ = "coupons"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # unboxing | reward | cashback
    source_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the order that earned it
    code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | active | failed
    platform: Mapped[str] = mapped_column(String(20))
    platform_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    value_type: Mapped[str] = mapped_column(String(16))  # percentage | fixed_amount | free_shipping
    value: Mapped[str] = mapped_column(String(32))  # decimal string (percent, or amount in shop currency)
    min_order: Mapped[str | None] = mapped_column(String(32), nullable=True)  # subtotal the code needs
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    __table_args__ = (
        UniqueConstraint("shop_id", "idempotency_key"),
        UniqueConstraint("shop_id", "code"),
        Index("ix_coupons_member", "member_id"),
    )

"""VIP tiers, campaigns and the record of members' tier changes (integrator/loyalty/tiers.py,
campaigns.py and tier_status.py hold the rules)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class Tier(Base):
    """One of a shop's (at most five) tiers: entered at `threshold` (decimal string: shop currency
    with `tiers.basis` spend, points with points), earning at `multiplier` × the shop's rate."""

    __tablename__ = "tiers"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    threshold: Mapped[str] = mapped_column(String(32))
    multiplier: Mapped[str] = mapped_column(String(32), default="1")
    birthday_multiplier: Mapped[str] = mapped_column(String(32), default="1")
    # A reward whose coupon a member receives, free, on entering the tier (None: no entry gift). No
    # foreign key (rewards.tier_id points here already); a deleted or inactive reward gives nothing.
    entry_reward_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Campaign(Base):
    """A time-boxed boost: orders paid in [starts_at, ends_at) earn × `multiplier` and
    `bonus_points` more, if they meet the limits (tier, minimum order, products)."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    multiplier: Mapped[str] = mapped_column(String(32), default="1")
    bonus_points: Mapped[int] = mapped_column(BigInteger, default=0)
    tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id", ondelete="CASCADE"), nullable=True)
    min_order: Mapped[str | None] = mapped_column(String(32), nullable=True)  # decimal string, shop currency
    product_ids: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (Index("ix_campaigns_shop_ends_at", "shop_id", "ends_at"),)


class TierChange(Base):
    """A member's move from one tier to another (names kept: a tier may be deleted later)."""

    __tablename__ = "tier_changes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    from_tier: Mapped[str | None] = mapped_column(String(60), nullable=True)
    to_tier: Mapped[str | None] = mapped_column(String(60), nullable=True)
    reason: Mapped[str] = mapped_column(String(32))  # order | recalculation | tiers_changed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Unboxing cards: the printed insert that carries an order's unboxing code in the parcel, its scan
link's token, when it was printed, and the scans of its QR code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class UnboxingCard(Base):
    """One card per unboxing coupon. `token` is the random, meaningless part of the scan link
    `APP_URL/u/<token>`; `scans` counts the scans people made (not bots, not HEAD)."""

    __tablename__ = "unboxing_cards"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    scans: Mapped[int] = mapped_column(Integer, default=0)
    last_scan_at: Mapped[datetime | None] = mapped_column(nullable=True)
    printed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    prints: Mapped[int] = mapped_column(Integer, default=0)
    # The first order that used the code (its platform id), as Setia recorded it.
    redeemed_order: Mapped[str | None] = mapped_column(String(64), nullable=True)
    redeemed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (Index("ix_unboxing_cards_shop", "shop_id"),)


class UnboxingScan(Base):
    """One counted scan (its moment only: no address, no user agent), for the weekly analytics."""

    __tablename__ = "unboxing_scans"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("unboxing_cards.id", ondelete="CASCADE"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (Index("ix_unboxing_scans_shop_at", "shop_id", "scanned_at"),)


class ShopLogo(Base):
    """The merchant's card logo, re-encoded by Pillow (PNG or JPEG), kept in the database."""

    __tablename__ = "shop_logos"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    content_type: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of `data`: the served URL's version
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("shop_id"),)

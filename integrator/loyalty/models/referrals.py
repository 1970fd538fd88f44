"""Referrals: each member's friend code (a real discount code on the store), the clicks on its link,
the referrals orders make, and the hashed keys of who placed an order (the fraud checks compare
them: no email, phone or address is kept in clear)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class ReferralProgram(Base):
    """A shop's referral machinery: the secret its hashes are keyed with, the platform discount that
    holds its friend codes (Shopify: one discount for every advocate's code), and who is making
    friend codes on the store right now (one job per shop at a time)."""

    __tablename__ = "referral_programs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    holder_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FriendCode(Base):
    """A member's friend code: recorded `pending`, made on the store by a job (`active`, `failed`).
    Codes are unique across every shop, so `/ref/<code>` names one."""

    __tablename__ = "friend_codes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    percent: Mapped[str] = mapped_column(String(32))  # the friend's discount when it was made
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | active | failed
    platform_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (
        UniqueConstraint("shop_id", "member_id"),
        Index("ix_friend_codes_shop_status", "shop_id", "status"),
    )


class ReferralClick(Base):
    """One visit of a referral link: when, and the visitor's IP address and user agent hashed with
    the shop's secret. Pruned after 90 days."""

    __tablename__ = "referral_clicks"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    friend_code_id: Mapped[int] = mapped_column(ForeignKey("friend_codes.id", ondelete="CASCADE"), index=True)
    ip_hash: Mapped[str] = mapped_column(String(64))
    agent_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    __table_args__ = (Index("ix_referral_clicks_shop_created_at", "shop_id", "created_at"),)


class Referral(Base):
    """An order that used an advocate's friend code, decided once at its first paid version.
    status: holding (paid once the order stays paid for the hold), review (flagged by a fraud check:
    waits for the merchant), paid, rejected, void (cancelled or refunded before it was paid),
    reversed (refunded after: the reward taken back)."""

    __tablename__ = "referrals"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    friend_code_id: Mapped[int] = mapped_column(ForeignKey("friend_codes.id", ondelete="CASCADE"))
    advocate_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    friend_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), nullable=True)
    friend_first_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    basis_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    buyer_ip_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # the fraud checks that flagged it
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what each check saw, masked
    reward_points: Mapped[int] = mapped_column(BigInteger, default=0)  # fixed when it is decided
    # The merchant's reward whose code the advocate gets instead of points (fixed when it is decided).
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("rewards.id", ondelete="SET NULL"), nullable=True)
    pays_at: Mapped[datetime | None] = mapped_column(nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(255), nullable=True)  # who approved or rejected
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_order_id"),
        Index("ix_referrals_shop_status", "shop_id", "status"),
        Index("ix_referrals_status_pays_at", "status", "pays_at"),
        Index("ix_referrals_shop_ip", "shop_id", "buyer_ip_hash", "created_at"),
    )


class BuyerKey(Base):
    """Who placed an order, as keyed hashes of the normalised email, phone and shipping address (the
    referral fraud checks look for the same person behind two accounts). Erased with the member."""

    __tablename__ = "buyer_keys"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(8))  # email | phone | address
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_order_id", "kind"),
        Index("ix_buyer_keys_lookup", "shop_id", "kind", "key_hash"),
        Index("ix_buyer_keys_member", "member_id"),
    )

"""Members, the append-only ledger, orders and their refunds, store-credit transfers and opening-
balance imports: everything `ledger.verify` and the order reconciliation read."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, BigId, utcnow

if TYPE_CHECKING:
    from .tiers import Tier


class Member(Base):
    __tablename__ = "members"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_customer_id: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    # The email casefolded in Python: SQLite's lower() only folds ASCII, so search compares this.
    email_key: Mapped[str | None] = mapped_column(String(320), nullable=True)
    first_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    last_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    points_available: Mapped[int] = mapped_column(BigInteger, default=0)
    points_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    points_debt: Mapped[int] = mapped_column(BigInteger, default=0)
    lifetime_points: Mapped[int] = mapped_column(BigInteger, default=0)
    cashback_available: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units
    cashback_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    cashback_debt: Mapped[int] = mapped_column(BigInteger, default=0)
    erased_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The member's tier, and when it last qualified for it (it keeps it for the window after).
    tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id", ondelete="SET NULL"), nullable=True)
    tier_qualified_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Loaded when read (by primary key: from the session's identity map after the first member).
    tier: Mapped[Tier | None] = relationship(lazy="select", viewonly=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_customer_id"),
        Index("ix_members_shop_email_key", "shop_id", "email_key"),
        Index("ix_members_shop_created_at", "shop_id", "created_at"),
    )


class LedgerEntry(Base):
    """One movement of points or cashback. Never updated, never deleted (but by shop/redact)."""

    __tablename__ = "ledger_entries"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    account: Mapped[str] = mapped_column(String(10))  # points | cashback
    state: Mapped[str] = mapped_column(String(10))  # pending | available | debt
    amount: Mapped[int] = mapped_column(BigInteger)  # points, or cashback in minor units
    kind: Mapped[str] = mapped_column(String(16))  # earn, vest, takeback, settle, adjust, redeem
    source: Mapped[str] = mapped_column(String(16))  # order, adjustment, ...
    source_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    available_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (
        UniqueConstraint("shop_id", "idempotency_key"),
        Index("ix_ledger_entries_shop_created_at", "shop_id", "created_at"),
        # The primary key a partitioned ledger will need (partition key first: docs/scaling.md).
        Index("ux_ledger_entries_shop_id_id", "shop_id", "id", unique=True),
    )


class Order(Base):
    """What Setia knows of one platform order, and what it has earned so far."""

    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), nullable=True)
    name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    # The newest snapshot seen, by the platform's updated_at; older ones are ignored.
    snapshot_at: Mapped[datetime | None] = mapped_column(nullable=True)
    basis_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_in_snapshot: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="unknown")  # paid, unpaid, void, test
    paid_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Rates fixed when the order first earns: a later rule change does not rewrite history.
    points_per_unit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cashback_percent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    pending_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Where the pending days count from, fixed with the rates: "paid" or "fulfilled" (NULL: paid).
    pending_from: Mapped[str | None] = mapped_column(String(10), nullable=True)
    fulfilled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Fixed with the rates (integrator/loyalty/boost.py): the points multiplier (tier × campaign),
    # the campaigns' bonus points, the tier the member held and the campaigns that applied.
    multiplier: Mapped[str | None] = mapped_column(String(32), nullable=True)
    bonus_points: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    tier_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    campaign_ids: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # The products on the order (line items' product ids), for campaigns limited to products.
    product_ids: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    # The basis this order earns on now (0 when it earns nothing): what tier spend adds up.
    qualifying_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # What this order's entries hold now, per account and state.
    points_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    points_held: Mapped[int] = mapped_column(BigInteger, default=0)
    cashback_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    cashback_held: Mapped[int] = mapped_column(BigInteger, default=0)
    vests_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # The discount codes the order used, as the platform wrote them (NULL: none); analytics counts the
    # revenue of orders that used a Setia coupon (codes in `coupons`) from them.
    discount_codes: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_order_id"),
        Index("ix_orders_shop_paid_at", "shop_id", "paid_at"),
        Index("ux_orders_shop_id_id", "shop_id", "id", unique=True),  # as for ledger_entries
        Index("ix_orders_member_paid_at", "member_id", "paid_at"),
    )


class OrderRefund(Base):
    """A refund, keyed by the platform's refund id (refunds/create carries no order updated_at)."""

    __tablename__ = "order_refunds"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    platform_refund_id: Mapped[str] = mapped_column(String(64))
    basis_minor: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_refund_id"),
        Index("ix_order_refunds_order", "shop_id", "platform_order_id"),
    )


class CreditTransfer(Base):
    """Cashback moved to the platform's store credit: recorded before the call and after it."""

    __tablename__ = "credit_transfers"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | done | failed
    idempotency_key: Mapped[str] = mapped_column(String(200))
    platform_transaction_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    __table_args__ = (UniqueConstraint("shop_id", "idempotency_key"),)


class MemberImport(Base):
    """A CSV file of opening balances from another loyalty app: checked row by row when uploaded (the
    dry run), applied when the merchant confirms. The file is kept only until it is applied."""

    __tablename__ = "member_imports"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the file
    content: Mapped[str | None] = mapped_column(Text, nullable=True)  # the file's text; NULL once applied
    status: Mapped[str] = mapped_column(String(16), default="checked")  # checked | applying | applied | expired
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # rows per outcome
    report: Mapped[list[Any]] = mapped_column(JSON, default=list)  # one outcome per row
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(nullable=True)

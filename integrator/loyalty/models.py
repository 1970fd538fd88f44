"""Tables of the domain: shops, members, the append-only ledger, orders and the webhook inbox.

Plain SQLAlchemy 2 declarative classes; Alembic (migrations/) is pointed at `Base.metadata`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger primary keys that are still INTEGER PRIMARY KEY (rowid) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")
MAX_ROW_ID = 2**63 - 1  # the largest id either database can hold: a bigger one names no row


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which stores no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class Shop(Base):
    __tablename__ = "shops"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    # The platform's identity: "name.myshopify.com" for Shopify.
    domain: Mapped[str] = mapped_column(String(255))
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    language: Mapped[str] = mapped_column(String(8), default="en")
    access_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # A custom-app shop's own webhook secret (encrypted); NULL means the app's SHOPIFY_API_SECRET.
    webhook_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    widget_secret_enc: Mapped[bytes] = mapped_column(LargeBinary)
    install_kind: Mapped[str] = mapped_column(String(20), default="custom_app", server_default="custom_app")
    # OAuth installs: expiring offline token + refresh token (research/shopify.md §0.2).
    refresh_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    access_token_expires_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    refresh_token_expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    scopes: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    # Orders updated up to this moment have been pulled from the platform (reconciliation).
    reconciled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # WooCommerce: the REST API keys (encrypted) and the unguessable token in the store's webhook
    # delivery URL (/webhooks/woocommerce/<token>) that says which store a delivery is for.
    consumer_key_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    consumer_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    webhook_token: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uninstalled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Onboarding: the first widget API call from the storefront (set once), and the merchant keeping
    # the default earning rule on purpose (the home page's checklist).
    widget_seen_at: Mapped[datetime | None] = mapped_column(nullable=True)
    earning_confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("platform", "domain"),)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    # sha256 of the key: the key itself is shown once and never stored.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written at most once a minute per key (integrator.loyalty.api_keys.note_key_used).
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)


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


class WebhookEvent(Base):
    """The inbox: every verified delivery, stored before it is acknowledged."""

    __tablename__ = "webhook_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    shop_key: Mapped[str] = mapped_column(String(255))
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), nullable=True)
    topic: Mapped[str] = mapped_column(String(64))
    delivery_id: Mapped[str] = mapped_column(String(128))
    event_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    triggered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # received → processed | ignored | retrying → failed
    status: Mapped[str] = mapped_column(String(16), default="received")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    __table_args__ = (
        UniqueConstraint("platform", "shop_key", "delivery_id"),
        UniqueConstraint("platform", "shop_key", "topic", "event_id"),
        Index("ix_webhook_events_status", "status", "received_at"),
        Index("ix_webhook_events_shop_received", "shop_id", "received_at"),  # a shop's last delivery
    )


class PeriodicMark(Base):
    """Marks the periodic jobs leave: when they last ran ("heartbeat", which /healthz reads, so it
    is there while Redis is down), how far webhook bodies are pruned."""

    __tablename__ = "periodic_marks"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column()


class SettingsChange(Base):
    """Who changed which setting, when, from what to what."""

    __tablename__ = "settings_changes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(255))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
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


class DataRequest(Base):
    """A privacy request from the platform (data request, customer redact, shop redact) and its result."""

    __tablename__ = "data_requests"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # data_request | customer_redact
    platform_customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    member_id: Mapped[int | None] = mapped_column(nullable=True)  # no FK: the member may be erased
    platform_request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="received")  # received | completed
    export: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)


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


class PendingConnect(Base):
    """A store connection in progress (WooCommerce wc-auth): the one-time nonce sent as `user_id`,
    checked and used up by the callback."""

    __tablename__ = "pending_connects"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    store_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The keys the callback brought for a store already connected (encrypted), until a signed call
    # with them succeeds on that store: anyone can start a connection for any store URL. Kept on
    # the connection, not the store, so that one connection's keys cannot push out another's.
    consumer_key_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    consumer_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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


class UsedLoginLink(Base):
    """A login link already used (or, as "ended-session:<id>", a cookie session ended by logging
    out), refused again until `expires_at`, when it would be refused anyway: the database, not a
    process's memory or Redis, so that one use holds whatever the deployment."""

    __tablename__ = "used_login_links"
    link_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)

"""A shop and what belongs to the shop as a whole: API keys, settings history, store connections
in progress, and used login links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


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
    # The shop's IANA time zone (birthdays, "today"); NULL reads as UTC (integrator/loyalty/shop_time.py).
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
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


class SettingsChange(Base):
    """Who changed which setting, when, from what to what."""

    __tablename__ = "settings_changes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(255))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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


class UsedLoginLink(Base):
    """A login link already used (or, as "ended-session:<id>", a cookie session ended by logging
    out), refused again until `expires_at`, when it would be refused anyway: the database, not a
    process's memory or Redis, so that one use holds whatever the deployment."""

    __tablename__ = "used_login_links"
    link_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)

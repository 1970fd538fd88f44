"""What Setia tells others: domain events (the transactional outbox), their deliveries (emails,
webhooks, WhatsApp messages), the merchant's webhook endpoints, and members who unsubscribed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


class DomainEvent(Base):
    """One change others hear about, written in the transaction of the change (loyalty/domain_events.py).
    `fanned_out_at` is set once its deliveries exist: until then the sweep fans it out."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), nullable=True)
    type: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fanned_out_at: Mapped[datetime | None] = mapped_column(nullable=True)
    __table_args__ = (
        UniqueConstraint("shop_id", "key"),
        Index("ix_events_fanned_out_at_id", "fanned_out_at", "id"),
    )


class WebhookEndpoint(Base):
    """A URL of the merchant's that receives signed events (Standard Webhooks)."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)
    secret_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # The first failure since the last success; an endpoint failing for DISABLE_AFTER is disabled.
    failing_since: Mapped[datetime | None] = mapped_column(nullable=True)
    disabled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """One message of one event on one channel: `email`, `webhook` or `whatsapp`. `message_id` is
    the same on every attempt (the email's Message-ID, the webhook-id), so receivers drop repeats.
    pending → sent | failed | recorded (no SMTP: kept, not sent) | skipped."""

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    endpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=True, index=True
    )
    channel: Mapped[str] = mapped_column(String(10))
    # Unique per shop: "email:<event>", "webhook:<event>:<endpoint>": fanning out twice adds nothing.
    dedupe: Mapped[str] = mapped_column(String(120))
    message_id: Mapped[str] = mapped_column(String(200))
    template: Mapped[str | None] = mapped_column(String(40), nullable=True)
    recipient: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    subject: Mapped[str | None] = mapped_column(String(300), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The message as sent (an email's text) when SMTP is off, for the demo page and the log.
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (
        UniqueConstraint("shop_id", "dedupe"),
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_deliveries_event_id", "event_id"),
    )


class EmailOptOut(Base):
    """A member who unsubscribed from Setia's emails (one-click, RFC 8058)."""

    __tablename__ = "email_opt_outs"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("member_id"),)


class WhatsAppAccount(Base):
    """A shop's WhatsApp Cloud API sender: the business phone number id, its access token (encrypted
    like store tokens), the approved utility template per email kind, and whether it is on."""

    __tablename__ = "whatsapp_accounts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), unique=True)
    phone_number_id: Mapped[str] = mapped_column(String(32))
    access_token_enc: Mapped[bytes] = mapped_column(LargeBinary)
    language: Mapped[str] = mapped_column(String(16), default="id")
    templates: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

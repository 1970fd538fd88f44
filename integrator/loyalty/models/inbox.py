"""The webhook inbox, the privacy requests it brings, and the periodic jobs' marks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, BigId, utcnow


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
        # What the workers claim next (integrator/worker.py): the deliveries still to process, in
        # arrival order, and only those (a small index however large the table grows).
        Index(
            "ix_webhook_events_to_process",
            "id",
            postgresql_where=text("status = 'received'"),
            sqlite_where=text("status = 'received'"),
        ),
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


class PeriodicMark(Base):
    """Marks the periodic jobs leave: when they last ran ("heartbeat", which /healthz reads, so it
    is there while Redis is down), how far webhook bodies are pruned."""

    __tablename__ = "periodic_marks"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column()

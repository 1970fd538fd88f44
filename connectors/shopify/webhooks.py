"""Shopify webhook deliveries: the HMAC (base64 SHA-256 over the raw body) and the headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from connectors.base import header

# Topics Setia subscribes to for a custom-app shop (OAuth installs declare them in shopify.app.toml).
# Compliance topics cannot be created through the API (research/shopify.md §3.5).
SUBSCRIBED_TOPICS = [
    "orders/create",
    "orders/paid",
    "orders/updated",
    "orders/cancelled",
    "orders/fulfilled",
    "refunds/create",
    "customers/create",
    "customers/enable",
    "customers/update",
    "app/uninstalled",
]


def verify_webhook(raw_body: bytes, hmac_header: str | None, secret: str) -> bool:
    """True when `hmac_header` is the base64 HMAC-SHA256 of the raw body; constant time."""
    if not hmac_header or not secret:
        return False
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode()
    return hmac.compare_digest(expected.encode(), hmac_header.strip().encode())


class Headers(Protocol):
    def get(self, key: str) -> str | None: ...


@dataclass(frozen=True)
class Delivery:
    topic: str
    shop_domain: str
    webhook_id: str
    event_id: str | None
    triggered_at: datetime | None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def read_delivery(headers: Headers) -> Delivery | None:
    """The delivery's identity from its headers; None when a required header is missing."""
    topic = header(headers, "X-Shopify-Topic")
    shop = header(headers, "X-Shopify-Shop-Domain").lower()
    webhook_id = header(headers, "X-Shopify-Webhook-Id")
    if not topic or not shop or not webhook_id:
        return None
    return Delivery(
        topic=topic[:64],
        shop_domain=shop[:255],
        webhook_id=webhook_id[:128],
        event_id=header(headers, "X-Shopify-Event-Id")[:128] or None,
        triggered_at=_parse_time(headers.get("X-Shopify-Triggered-At")),
    )

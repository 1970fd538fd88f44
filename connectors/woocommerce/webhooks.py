"""WooCommerce webhook deliveries: the signature (base64 HMAC-SHA256 over the raw body), the
X-WC-Webhook-* headers and the unsigned creation ping (research/woocommerce.md §2.3–2.5)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Protocol

from connectors.base import header

# WC_Webhook::deliver_ping() posts exactly `webhook_id=<id>`, with no X-WC-Webhook-* header.
PING_BODY = re.compile(rb"webhook_id=\d{1,20}")


class Headers(Protocol):
    def get(self, key: str) -> str | None: ...


def verify_webhook(raw_body: bytes, signature_header: str | None, secret: str) -> bool:
    """True when `signature_header` is the base64 HMAC-SHA256 of the raw body; constant time."""
    if not signature_header or not secret:
        return False
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode()
    return hmac.compare_digest(expected.encode(), signature_header.strip().encode())


def is_ping(raw_body: bytes, headers: Headers) -> bool:
    """The creation ping: unsigned, no topic, form body `webhook_id=N`."""
    if headers.get("X-WC-Webhook-Signature") or headers.get("X-WC-Webhook-Topic"):
        return False
    return PING_BODY.fullmatch(raw_body.strip()) is not None


@dataclass(frozen=True)
class Delivery:
    topic: str  # "order.updated"
    resource: str  # "order"
    event: str  # "updated"
    webhook_id: str | None
    delivery_id: str
    source: str | None  # the store's home URL, trailing slash; a hint only


def read_delivery(headers: Headers) -> Delivery | None:
    """The delivery's identity from its headers; None when the topic or delivery id is missing."""
    topic = header(headers, "X-WC-Webhook-Topic")
    delivery_id = header(headers, "X-WC-Webhook-Delivery-ID")
    if not topic or not delivery_id:
        return None
    resource, _, event = topic.partition(".")
    return Delivery(
        topic=topic[:64],
        resource=(header(headers, "X-WC-Webhook-Resource") or resource)[:64],
        event=(header(headers, "X-WC-Webhook-Event") or event)[:64],
        webhook_id=header(headers, "X-WC-Webhook-ID")[:64] or None,
        delivery_id=delivery_id[:128],
        source=header(headers, "X-WC-Webhook-Source")[:255] or None,
    )

"""What each stored delivery means: topic → handler, through the platform's mapping."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from connectors.base import PayloadError
from connectors.shopify import mapping as shopify_mapping
from integrator.loyalty import orders
from integrator.loyalty.models import Shop, WebhookEvent, utcnow

log = logging.getLogger(__name__)

Handler = Callable[[Session, Shop, Any], None]


def _order(session: Session, shop: Shop, payload: Any) -> None:
    orders.record_order(session, shop, shopify_mapping.to_order(payload))


def _refund(session: Session, shop: Shop, payload: Any) -> None:
    orders.record_refund(session, shop, shopify_mapping.to_refund(payload))


def _customer(session: Session, shop: Shop, payload: Any) -> None:
    orders.update_customer(session, shop, shopify_mapping.to_customer(payload))


def _uninstalled(session: Session, shop: Shop, payload: Any) -> None:
    # The token is dead once the app is uninstalled; data stays until shop/redact (48 h later).
    shop.uninstalled_at = utcnow()
    shop.access_token_enc = None


TOPIC_HANDLERS: dict[str, dict[str, Handler]] = {
    "shopify": {
        "orders/create": _order,
        "orders/paid": _order,
        "orders/updated": _order,
        "orders/cancelled": _order,
        "orders/fulfilled": _order,
        "refunds/create": _refund,
        "customers/create": _customer,
        "customers/update": _customer,
        "app/uninstalled": _uninstalled,
    },
}


def handler_for(platform: str, topic: str) -> Handler | None:
    return TOPIC_HANDLERS.get(platform, {}).get(topic)


def accepts(shop: Shop | None, platform: str, topic: str) -> bool:
    """Whether a delivery will be processed; otherwise it is stored as ignored."""
    if shop is None or handler_for(platform, topic) is None:
        return False
    return shop.uninstalled_at is None


def parse_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError(f"body is not valid JSON: {exc}") from exc


def handle(session: Session, shop: Shop, event: WebhookEvent) -> None:
    """Apply one delivery to the domain (raises PayloadError for a body that makes no sense)."""
    handler = handler_for(event.platform, event.topic)
    if handler is None:
        log.info("no handler for %s %s; acknowledged", event.platform, event.topic)
        return
    handler(session, shop, parse_body(event.body))

"""What each stored delivery means: topic → handler, through the platform's mapping."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from connectors.base import PayloadError, PrivacyRequest
from connectors.shopify import mapping as shopify_mapping
from connectors.woocommerce import mapping as woocommerce_mapping
from integrator.loyalty import orders, privacy
from integrator.loyalty.models import Shop, WebhookEvent, utcnow

log = logging.getLogger(__name__)

# A handler returns what jobs must do after the commit (an order's Outcome: its new coupon, its
# cashback to move to store credit), or None.
Handler = Callable[[Session, Shop, Any], "orders.Outcome | None"]
# The shop's platform client, or None when it has none (jobs._connect): for handlers that read more
# from the platform than the delivery carries.
Connect = Callable[[Shop], Any]

# Processed even after an uninstall: shop/redact itself arrives 48 hours after it (research §3.5).
COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})


def _order(session: Session, shop: Shop, payload: Any) -> orders.Outcome:
    return orders.record_order(session, shop, shopify_mapping.to_order(payload))


def _refund(session: Session, shop: Shop, payload: Any) -> orders.Outcome | None:
    return orders.record_refund(session, shop, shopify_mapping.to_refund(payload))


def _customer(session: Session, shop: Shop, payload: Any) -> None:
    orders.update_customer(session, shop, shopify_mapping.to_customer(payload))


def _wc_order(session: Session, shop: Shop, payload: Any, connect: Connect | None = None) -> orders.Outcome:
    # A refund has no webhook of its own: it arrives as order.updated listing it in `refunds`; which
    # lines it gave back is read from the store's refunds endpoint (before any row is locked).
    client = connect(shop) if connect is not None and woocommerce_mapping.refund_ids(payload) else None
    if client is not None:
        return orders.record_order(session, shop, client.order_snapshot(payload))
    if connect is not None and woocommerce_mapping.refund_ids(payload):
        log.warning("store %s has no REST client: refunds count in proportion to the amounts refunded", shop.id)
    return orders.record_order(session, shop, woocommerce_mapping.to_order(payload))


def _wc_deleted_order(session: Session, shop: Shop, payload: Any) -> orders.Outcome:
    return orders.record_order(session, shop, woocommerce_mapping.to_deleted_order(payload, shop.currency))


def _wc_customer(session: Session, shop: Shop, payload: Any) -> None:
    orders.update_customer(session, shop, woocommerce_mapping.to_customer(payload))


def _uninstalled(session: Session, shop: Shop, payload: Any) -> None:
    # The tokens are dead once the app is uninstalled; data stays until shop/redact (48 h later).
    shop.uninstalled_at = utcnow()
    shop.access_token_enc = None
    shop.access_token_expires_at = None
    shop.refresh_token_enc = None
    shop.refresh_token_expires_at = None


def _privacy_request(shop: Shop, payload: Any) -> PrivacyRequest:
    request = shopify_mapping.to_privacy_request(payload)
    if request.shop_domain is not None and request.shop_domain != shop.domain:
        raise PayloadError(f"compliance request for {request.shop_domain} delivered as {shop.domain}")
    return request


def _data_request(session: Session, shop: Shop, payload: Any) -> None:
    privacy.record_data_request(session, shop, _privacy_request(shop, payload))


def _customer_redact(session: Session, shop: Shop, payload: Any) -> None:
    privacy.redact_customer(session, shop, _privacy_request(shop, payload))


def _shop_redact(session: Session, shop: Shop, payload: Any) -> None:
    _privacy_request(shop, payload)
    if shop.uninstalled_at is None:
        # Shopify sends it only 48 h after an uninstall not followed by a reinstall; erasing an
        # installed shop's data on a stray one would be irreversible. Recorded as failed instead.
        raise PayloadError("shop/redact for a shop that is installed; nothing erased")
    privacy.erase_shop(session, shop, record_topic="shop/redact")


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
        "customers/data_request": _data_request,
        "customers/redact": _customer_redact,
        "shop/redact": _shop_redact,
    },
    "woocommerce": {
        "order.created": _wc_order,
        "order.updated": _wc_order,
        "order.restored": _wc_order,
        "order.deleted": _wc_deleted_order,
        "customer.created": _wc_customer,
        "customer.updated": _wc_customer,
    },
}


def handler_for(platform: str, topic: str) -> Handler | None:
    return TOPIC_HANDLERS.get(platform, {}).get(topic)


def accepts(shop: Shop | None, platform: str, topic: str) -> bool:
    """Whether a delivery will be processed; otherwise it is stored as ignored."""
    if shop is None or handler_for(platform, topic) is None:
        return False
    return shop.uninstalled_at is None or topic in COMPLIANCE_TOPICS


def parse_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:  # not UTF-8, not JSON, or an integer of over 4,300 digits
        raise PayloadError(f"body is not valid JSON: {str(exc)[:200]}") from exc
    except RecursionError as exc:
        raise PayloadError("body is not valid JSON: nested too deeply") from exc


def handle(session: Session, shop: Shop, event: WebhookEvent, connect: Connect | None = None) -> orders.Outcome | None:
    """Apply one delivery to the domain (raises PayloadError for a body that makes no sense);
    returns what the handler left for jobs to do after the commit."""
    handler = handler_for(event.platform, event.topic)
    if handler is None:
        log.info("no handler for %s %s; acknowledged", event.platform, event.topic)
        return None
    if handler is _wc_order:
        return _wc_order(session, shop, parse_body(event.body), connect)
    return handler(session, shop, parse_body(event.body))

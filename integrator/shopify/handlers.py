"""What each Shopify topic means: the delivery through connectors/shopify/mapping.py to the domain."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from connectors.base import PayloadError, PrivacyRequest
from connectors.shopify import mapping
from integrator.loyalty import orders, privacy
from integrator.loyalty.models import Shop, utcnow
from integrator.platform_registry import Handler

# Processed even after an uninstall: shop/redact itself arrives 48 hours after it (research §3.5).
COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})


def _order(session: Session, shop: Shop, payload: Any) -> orders.Outcome:
    return orders.record_order(session, shop, mapping.to_order(payload))


def _refund(session: Session, shop: Shop, payload: Any) -> orders.Outcome | None:
    return orders.record_refund(session, shop, mapping.to_refund(payload))


def _customer(session: Session, shop: Shop, payload: Any) -> None:
    orders.update_customer(session, shop, mapping.to_customer(payload))


def _uninstalled(session: Session, shop: Shop, payload: Any) -> None:
    # The tokens are dead once the app is uninstalled; data stays until shop/redact (48 h later).
    shop.uninstalled_at = utcnow()
    shop.access_token_enc = None
    shop.access_token_expires_at = None
    shop.refresh_token_enc = None
    shop.refresh_token_expires_at = None


def _privacy_request(shop: Shop, payload: Any) -> PrivacyRequest:
    request = mapping.to_privacy_request(payload)
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


HANDLERS: dict[str, Handler] = {
    "orders/create": _order,
    "orders/paid": _order,
    "orders/updated": _order,
    "orders/cancelled": _order,
    "orders/fulfilled": _order,
    "refunds/create": _refund,
    "customers/create": _customer,
    "customers/enable": _customer,
    "customers/update": _customer,
    "app/uninstalled": _uninstalled,
    "customers/data_request": _data_request,
    "customers/redact": _customer_redact,
    "shop/redact": _shop_redact,
}

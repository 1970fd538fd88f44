"""What each WooCommerce topic means: the delivery through connectors/woocommerce/mapping.py to the
domain. A refund has no webhook of its own: it arrives as order.updated listing it in `refunds`, and
which lines it gave back is read from the store's refunds endpoint by `read_ahead`, before the
delivery's transaction opens (no row stays locked while the store answers)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from connectors.base import Order
from connectors.woocommerce import mapping
from integrator.loyalty import orders
from integrator.loyalty.models import Shop
from integrator.platform_registry import Connect, Handler

log = logging.getLogger(__name__)

ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.restored"})


def needs_read_ahead(topic: str, payload: Any) -> bool:
    """An order listing refunds: which lines they gave back is read from the store."""
    return topic in ORDER_TOPICS and bool(mapping.refund_ids(payload))


def read_ahead(shop: Shop, topic: str, payload: Any, connect: Connect) -> Any:
    """The order as the store's own snapshot of it (refunds read through its REST client)."""
    client = connect(shop)
    if client is None:
        log.warning("store %s has no REST client: refunds count in proportion to the amounts refunded", shop.id)
        return payload
    return client.order_snapshot(payload)


def _order(session: Session, shop: Shop, payload: Any) -> orders.Outcome:
    snapshot = payload if isinstance(payload, Order) else mapping.to_order(payload)
    return orders.record_order(session, shop, snapshot)


def _deleted_order(session: Session, shop: Shop, payload: Any) -> orders.Outcome:
    return orders.record_order(session, shop, mapping.to_deleted_order(payload, shop.currency))


def _customer(session: Session, shop: Shop, payload: Any) -> None:
    orders.update_customer(session, shop, mapping.to_customer(payload))


HANDLERS: dict[str, Handler] = {
    "order.created": _order,
    "order.updated": _order,
    "order.restored": _order,
    "order.deleted": _deleted_order,
    "customer.created": _customer,
    "customer.updated": _customer,
}

"""Reconciliation: pull recently updated orders from the platform so missed deliveries heal.

Each order goes through the same domain path as its webhook (orders.record_order), so an order the
webhooks already brought changes nothing, and one they missed earns once. Custom-app shops also get
their missing webhook subscriptions back (Shopify deletes one after repeated failed deliveries);
OAuth shops never do: theirs come from shopify.app.toml, and both would deliver every event twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from connectors.base import Order as OrderSnapshot
from integrator.loyalty import orders, store_credit
from integrator.loyalty.models import Shop
from integrator.loyalty.orders import Outcome
from integrator.outbox import Reach, client_for
from integrator.platform_registry import store_credit_supported, webhooks_to_restore

log = logging.getLogger(__name__)

# Orders updated just before a run may not be visible to the search yet: the next run looks again.
OVERLAP = timedelta(minutes=5)


@dataclass
class Run:
    shop_id: int
    since: datetime
    pulled: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    store_credit: bool = False
    registered: list[str] = field(default_factory=list)


def shops_to_reconcile(session: Session) -> list[int]:
    """Connected, installed shops: Shopify with a token, WooCommerce with REST keys."""
    query = select(Shop.id).where(
        Shop.uninstalled_at.is_(None),
        or_(
            (Shop.platform == "shopify") & Shop.access_token_enc.is_not(None),
            (Shop.platform == "woocommerce") & Shop.consumer_key_enc.is_not(None),
        ),
    )
    return list(session.execute(query.order_by(Shop.id)).scalars())


def _record(session: Session, shop_id: int, snapshot: OrderSnapshot) -> Outcome | None:
    shop = session.get(Shop, shop_id)
    if shop is None or shop.uninstalled_at is not None:
        return None
    return orders.record_order(session, shop, snapshot)


def _advance(session: Session, shop_id: int, moment: datetime) -> None:
    shop = session.get(Shop, shop_id)
    if shop is not None and (shop.reconciled_at is None or shop.reconciled_at < moment):
        shop.reconciled_at = moment


def reconcile_shop(reach: Reach, shop_id: int, started: datetime) -> Run | None:
    """Pull the shop's orders updated since the last run and record each; None when the shop cannot
    be reached. A platform error propagates and leaves `reconciled_at` where it was."""
    with reach.db.session() as session:
        shop = session.get(Shop, shop_id)
        client = client_for(session, reach, shop_id)
        if shop is None or client is None:
            return None
        run = Run(
            shop_id,
            shop.reconciled_at or shop.created_at,
            store_credit=store_credit.enabled(shop, store_credit_supported(shop)),
        )
        # Shopify custom apps get their webhooks back here; WooCommerce stores from
        # integrator/woocommerce/stores.py's periodic check.
        restore = webhooks_to_restore(shop)
    for snapshot in client.orders_updated_since(run.since):
        outcome: Outcome | None = reach.transact(partial(_record, shop_id=shop_id, snapshot=snapshot))
        run.pulled += 1
        if outcome is not None:
            run.outcomes.append(outcome)
    if restore is not None:
        created = client.register_webhooks(reach.config.app_url + restore.path, list(restore.topics))
        run.registered = [registration.topic for registration in created]
    reach.transact(lambda s: _advance(s, shop_id, started - OVERLAP))
    log.info("reconciled shop %s: %d orders since %s", shop_id, run.pulled, run.since.isoformat())
    return run

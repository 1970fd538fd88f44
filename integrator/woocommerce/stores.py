"""WooCommerce stores: saving a connected store's keys, and the job that makes (and keeps) its
webhooks on the store. WooCommerce disables a webhook after 7 failed deliveries and never retries
(research/woocommerce.md §0.1, §2.7): the periodic check puts them back."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from connectors.base import PlatformError
from connectors.woocommerce.client import WooCommerceClient
from integrator.config import Config
from integrator.loyalty.models import PendingConnect, Shop
from integrator.loyalty.shops import Box, connect_shop, find_shop
from integrator.platform_registry import NotConnected
from integrator.queue import in_transaction
from integrator.secretbox import SecretBox
from integrator.services import services

log = logging.getLogger(__name__)

PLATFORM = "woocommerce"
# The merchant approves within minutes; a connect nonce older than this is refused, then deleted.
NONCE_MAX_AGE = timedelta(hours=1)
WEBHOOK_TOPICS = [
    "order.created",
    "order.updated",
    "order.deleted",
    "order.restored",
    "customer.created",
    "customer.updated",
]
# WordPress sends wc-auth's keys and every webhook delivery through wp_safe_remote_*(), whose
# wp_http_validate_url() allows an explicit port only from this list (the default of its
# `http_allowed_safe_ports` filter); any other port fails before a byte is sent.
WORDPRESS_PORTS = (80, 443, 8080)


class AppUrlUnreachable(ValueError):
    """APP_URL is on a port WordPress will not send anything to."""


def check_app_url_port(app_url: str) -> None:
    """AppUrlUnreachable, with a message for the merchant, when WordPress cannot reach APP_URL."""
    port = urlsplit(app_url).port
    if port is not None and port not in WORDPRESS_PORTS:
        raise AppUrlUnreachable(
            f"Setia's address {app_url} uses port {port}, and WordPress sends REST API keys and webhooks "
            "only to ports 80, 443 and 8080: ask the Setia operator to serve APP_URL on one of them, "
            "then connect the store again"
        )


def delivery_url(config: Config, webhook_token: str) -> str:
    return f"{config.app_url}/webhooks/woocommerce/{webhook_token}"


def save_store(
    session: Session, box: Box, store_url: str, consumer_key: str, consumer_secret: str, install_kind: str
) -> Shop:
    """Create or refresh the store with its REST keys (encrypted). A store that connects again keeps
    its webhook secret and delivery token: the webhooks already on the store use them, and a new
    pair would leave those delivering to a dead URL or with a secret we no longer know."""
    existing = find_shop(session, PLATFORM, store_url)
    secret = box.decrypt(existing.webhook_secret_enc) if existing and existing.webhook_secret_enc else None
    shop, _ = connect_shop(session, box, PLATFORM, store_url, None, secret or secrets.token_urlsafe(32), install_kind)
    shop.name = shop.name if existing else store_url.split("://", 1)[-1]
    shop.consumer_key_enc = box.encrypt(consumer_key)
    shop.consumer_secret_enc = box.encrypt(consumer_secret)
    shop.webhook_token = shop.webhook_token or secrets.token_urlsafe(24)
    session.flush()
    return shop


def receive_keys(
    session: Session, box: Box, pending: PendingConnect, consumer_key: str, consumer_secret: str
) -> int | None:
    """Keys wc-auth sent through the connection `pending`: a new store is saved with them and its
    id returned (its webhook job is their first call). A store we know keeps its working keys and
    state: anyone can start a connection for any store URL and post made-up keys, so the new ones
    wait on the connection, encrypted, until verify_pending_keys has seen them work on that store
    (None returned)."""
    if find_shop(session, PLATFORM, pending.store_url) is None:
        return save_store(session, box, pending.store_url, consumer_key, consumer_secret, "wc_auth").id
    pending.consumer_key_enc = box.encrypt(consumer_key)
    pending.consumer_secret_enc = box.encrypt(consumer_secret)
    session.flush()
    return None


def _settle_pending_keys(pending_id: int, take: bool) -> int | None:
    """Forget the connection's keys, after putting them on its store when `take`; the store's id
    when they were taken."""

    def work(session: Session) -> int | None:
        pending = session.execute(
            select(PendingConnect).where(PendingConnect.id == pending_id).with_for_update()
        ).scalar_one_or_none()
        if pending is None or pending.consumer_key_enc is None or pending.consumer_secret_enc is None:
            return None
        keys = (pending.consumer_key_enc, pending.consumer_secret_enc)
        pending.consumer_key_enc = pending.consumer_secret_enc = None
        shop = find_shop(session, PLATFORM, pending.store_url) if take else None
        if shop is None:
            return None
        shop.consumer_key_enc, shop.consumer_secret_enc = keys
        shop.install_kind = "wc_auth"
        shop.uninstalled_at = None
        return shop.id

    return in_transaction(work)


def register(client: WooCommerceClient, config: Config, box: Box, shop: Shop) -> list[str]:
    """Create the store's missing webhooks and replace the disabled ones; the topics it changed."""
    if shop.webhook_token is None or shop.webhook_secret_enc is None:
        raise NotConnected(f"{shop.domain} has no webhook token or secret")
    url = delivery_url(config, shop.webhook_token)
    client.webhook_secret = box.decrypt(shop.webhook_secret_enc)
    changed = client.register_webhooks(url, WEBHOOK_TOPICS)
    return [registration.topic for registration in changed]


def forget_pending_connects(session: Session, now: datetime) -> int:
    """Delete the connect nonces that can no longer connect anything: used (unless keys on them
    still wait for their check), or older than NONCE_MAX_AGE, keys and all. Returns how many."""
    used = PendingConnect.used_at.is_not(None) & PendingConnect.consumer_key_enc.is_(None)
    stale = or_(used, PendingConnect.created_at < now - NONCE_MAX_AGE)
    result = session.execute(delete(PendingConnect).where(stale))
    return int(getattr(result, "rowcount", 0) or 0)


def stores_to_check(session: Session) -> list[int]:
    """Connected WooCommerce stores."""
    query = select(Shop.id).where(
        Shop.platform == PLATFORM, Shop.uninstalled_at.is_(None), Shop.consumer_key_enc.is_not(None)
    )
    return list(session.execute(query.order_by(Shop.id)).scalars())


def connector_for(config: Config, box: SecretBox, shop: Shop) -> WooCommerceClient:
    """The store's REST client; the store URL passes the SSRF guard again (its DNS may have changed)."""
    if shop.consumer_key_enc is None or shop.consumer_secret_enc is None or shop.uninstalled_at is not None:
        raise NotConnected(f"{shop.domain} has no REST API keys")
    try:
        return WooCommerceClient(
            shop.domain,
            box.decrypt(shop.consumer_key_enc),
            box.decrypt(shop.consumer_secret_enc),
            allow_private=config.allow_private_store_urls,
            webhook_secret=box.decrypt(shop.webhook_secret_enc) if shop.webhook_secret_enc else None,
        )
    except PlatformError as exc:  # the URL is refused now
        raise NotConnected(str(exc)) from exc


# --- jobs ---------------------------------------------------------------------------------------


def ensure_webhooks(shop_id: int) -> list[str]:
    """Job: make the store's webhooks deliver to us (safe to run any number of times)."""
    state = services()
    with state.db.session() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or shop.platform != PLATFORM or shop.uninstalled_at is not None:
            return []
        try:
            client = connector_for(state.config, services().box, shop)
        except NotConnected as exc:
            log.info("store %s not connected: %s", shop_id, exc)
            return []
        session.expunge(shop)  # no transaction held open while the store answers
    try:
        changed = register(client, state.config, services().box, shop)
    except PlatformError as exc:
        log.warning("webhooks of store %s not made: %s", shop_id, exc)
        raise
    if changed:
        log.info("store %s: made or replaced webhooks %s", shop_id, ", ".join(changed))
    return changed


def verify_pending_keys(pending_id: int) -> str:
    """Job: make a signed call with the keys a connection brought for a known store, on that
    store's own URL; only when the store accepts them do they replace its working keys, an
    uninstalled store connect again and its webhooks get made. Refused or unreachable, they are
    dropped and logged; nothing else changes (the merchant connects again). Returns "taken",
    "dropped" or "none"."""
    state, box = services(), services().box
    with state.db.session() as session:
        pending = session.get(PendingConnect, pending_id)
        if pending is None or pending.consumer_key_enc is None or pending.consumer_secret_enc is None:
            return "none"
        store_url, keys = pending.store_url, (pending.consumer_key_enc, pending.consumer_secret_enc)
    try:
        client = WooCommerceClient(
            store_url, box.decrypt(keys[0]), box.decrypt(keys[1]), allow_private=state.config.allow_private_store_urls
        )
        client.fetch_shop()
    except PlatformError as exc:
        log.warning("keys sent for %s dropped: the store did not accept them: %s", store_url, exc)
        _settle_pending_keys(pending_id, take=False)
        return "dropped"
    shop_id = _settle_pending_keys(pending_id, take=True)
    if shop_id is None:
        return "none"
    log.info("store %s (%s) connected again with new keys", shop_id, store_url)
    ensure_webhooks(shop_id)
    return "taken"

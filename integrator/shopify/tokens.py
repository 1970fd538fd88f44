"""Shopify access tokens: storing what an install grants, and keeping expiring offline tokens fresh
(60-minute access token, 90-day single-use refresh token; research/shopify.md §1.5).

A refresh runs with the shop's row locked and checks again once it holds the lock: refresh tokens are
single-use, so two workers refreshing the same shop at once would leave one of them with a dead token."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base import PlatformError, ShopInfo
from connectors.shopify import auth
from connectors.shopify.client import ShopifyClient
from integrator.config import Config
from integrator.db import Database
from integrator.loyalty.models import Shop, utcnow
from integrator.loyalty.shops import Box, connect_shop

log = logging.getLogger(__name__)

# access_token_for refreshes a token this close to its expiry; the periodic job much earlier, so that
# requests and jobs almost never wait for Shopify.
REFRESH_MARGIN = timedelta(minutes=5)
JOB_MARGIN = timedelta(minutes=30)


class TokenUnavailable(RuntimeError):
    """The shop has no token that can be used or refreshed (uninstalled, or the refresh failed)."""


def store_grant(box: Box, shop: Shop, grant: auth.TokenGrant, now: datetime) -> None:
    """Write a token answer onto the shop, encrypted, with the moments its tokens expire."""
    shop.access_token_enc = box.encrypt(grant.access_token)
    shop.access_token_expires_at = grant.access_expires_at(now)
    shop.refresh_token_enc = box.encrypt(grant.refresh_token) if grant.refresh_token else None
    shop.refresh_token_expires_at = grant.refresh_expires_at(now)
    if grant.scope:
        shop.scopes = grant.scope


def needs_refresh(shop: Shop, now: datetime, margin: timedelta) -> bool:
    expires_at = shop.access_token_expires_at
    return shop.install_kind == "oauth" and expires_at is not None and expires_at <= now + margin


def _locked(session: Session, shop_id: int) -> Shop:
    # populate_existing: what another worker wrote while we waited for the lock, not what we had.
    query = select(Shop).where(Shop.id == shop_id).with_for_update().execution_options(populate_existing=True)
    shop = session.execute(query).scalar_one_or_none()
    if shop is None:
        raise TokenUnavailable(f"no shop {shop_id}")
    return shop


def _refresh(config: Config, box: Box, shop: Shop) -> str:
    if shop.uninstalled_at is not None or shop.refresh_token_enc is None:
        raise TokenUnavailable(f"{shop.domain} has no refresh token")
    if not (config.shopify_api_key and config.shopify_api_secret):
        raise TokenUnavailable("SHOPIFY_API_KEY and SHOPIFY_API_SECRET are needed to refresh tokens")
    now = utcnow()
    try:
        grant = auth.refresh_access_token(
            shop.domain,
            box.decrypt(shop.refresh_token_enc),
            config.shopify_api_key,
            config.shopify_api_secret,
            config.shopify_api_base_url,
        )
    except PlatformError as exc:
        raise TokenUnavailable(f"could not refresh the token of {shop.domain}: {exc}") from exc
    store_grant(box, shop, grant, now)
    log.info("refreshed the access token of %s (valid until %s)", shop.domain, shop.access_token_expires_at)
    return grant.access_token


def access_token_for(config: Config, box: Box, session: Session, shop: Shop) -> str:
    """A usable access token for the shop, refreshed first (and the new pair stored in `session`)
    when it expires within REFRESH_MARGIN. Custom-app tokens never expire and are returned as they are."""
    if shop.uninstalled_at is not None or shop.access_token_enc is None:
        raise TokenUnavailable(f"{shop.domain} has no access token")
    if needs_refresh(shop, utcnow(), REFRESH_MARGIN):
        shop = _locked(session, shop.id)
        if needs_refresh(shop, utcnow(), REFRESH_MARGIN):
            token = _refresh(config, box, shop)
            session.flush()
            return token
    if shop.access_token_enc is None:
        raise TokenUnavailable(f"{shop.domain} has no access token")
    return box.decrypt(shop.access_token_enc)


def refresh_after_unauthorized(config: Config, box: Box, session: Session, shop: Shop) -> str:
    """Shopify answered 401 to the shop's token as `shop` holds it: refresh now, whatever the stored
    expiry says, unless another worker has replaced that token meanwhile. Returns the token to retry with."""
    if shop.install_kind != "oauth":
        raise TokenUnavailable(f"{shop.domain} uses a custom app token: nothing to refresh")
    rejected = box.decrypt(shop.access_token_enc) if shop.access_token_enc is not None else None
    shop = _locked(session, shop.id)
    if shop.access_token_enc is not None and box.decrypt(shop.access_token_enc) != rejected:
        return box.decrypt(shop.access_token_enc)
    token = _refresh(config, box, shop)
    session.flush()
    return token


def shops_to_refresh(session: Session, now: datetime, margin: timedelta = JOB_MARGIN) -> list[int]:
    query = (
        select(Shop.id)
        .where(
            Shop.platform == "shopify",
            Shop.install_kind == "oauth",
            Shop.uninstalled_at.is_(None),
            Shop.refresh_token_enc.is_not(None),
            Shop.access_token_expires_at <= now + margin,
        )
        .order_by(Shop.access_token_expires_at)
    )
    return list(session.execute(query).scalars())


def refresh_expiring_tokens(db: Database, config: Config, box: Box) -> int:
    """Refresh every OAuth shop whose token expires within JOB_MARGIN, each in its own transaction.
    Returns how many were refreshed; a shop that fails is logged and tried again next run."""
    with db.session() as session:
        ids = shops_to_refresh(session, utcnow())
    refreshed = 0
    for shop_id in ids:
        try:
            with db.session() as session:
                shop = _locked(session, shop_id)
                if needs_refresh(shop, utcnow(), JOB_MARGIN) and shop.uninstalled_at is None:
                    _refresh(config, box, shop)
                    refreshed += 1
        except TokenUnavailable as exc:
            log.warning("%s", exc)
    return refreshed


def shop_info(config: Config, domain: str, access_token: str) -> ShopInfo | None:
    """Name, currency and language of a newly installed shop; None (defaults stay) when Shopify
    cannot say right now. No waiting between attempts: a merchant is watching the install."""
    client = ShopifyClient(domain, access_token, base_url=config.shopify_api_base_url, sleep=lambda _seconds: None)
    try:
        return client.fetch_shop()
    except PlatformError as exc:
        log.warning("could not read the details of %s: %s", domain, exc)
        return None


def create_order_definitions(config: Config, domain: str, access_token: str) -> None:
    """The `setia` order metafield definitions (the unboxing code and scan link shown in the admin,
    Order Printer and emails: docs/unboxing.md); best effort, a shop without write_orders is asked
    for it on the home page's checklist and the definitions come with the next registration."""
    client = ShopifyClient(domain, access_token, base_url=config.shopify_api_base_url, sleep=lambda _seconds: None)
    try:
        client.create_metafield_definitions()
    except PlatformError as exc:
        log.warning("could not create the order metafield definitions of %s: %s", domain, exc)


def install_shop(session: Session, box: Box, domain: str, grant: auth.TokenGrant, info: ShopInfo | None) -> Shop:
    """An OAuth or managed install (or a reinstall): the shop connected with the app's token. Its
    webhooks come from shopify.app.toml, so none are registered here (they would arrive twice)."""
    shop, _ = connect_shop(session, box, "shopify", domain, grant.access_token, None, "oauth")
    store_grant(box, shop, grant, utcnow())
    if info is not None:
        shop.name, shop.currency = info.name, info.currency
        shop.language = "id" if info.language == "id" else "en"
        shop.timezone = info.timezone or shop.timezone
    session.flush()
    return shop


def needs_install(shop: Shop | None, now: datetime) -> bool:
    """Whether an embedded visit must exchange its session token for a new offline token: the shop is
    new, uninstalled, tokenless, or an OAuth shop whose refresh token is gone. A custom-app shop keeps
    its own token (switching it would leave its API-registered webhooks next to the app's)."""
    if shop is None or shop.uninstalled_at is not None or shop.access_token_enc is None:
        return True
    if shop.install_kind != "oauth" or shop.access_token_expires_at is None:
        return False
    refresh_dead = shop.refresh_token_enc is None or (
        shop.refresh_token_expires_at is not None and shop.refresh_token_expires_at <= now
    )
    return refresh_dead and shop.access_token_expires_at <= now


def install_with_session_token(db: Database, config: Config, box: Box, token: auth.SessionToken, raw: str) -> int:
    """Shopify managed installation: trade a verified session token for an expiring offline token and
    store it. Returns the shop's id. Raises TokenRequestFailed when Shopify refuses."""
    if not (config.shopify_api_key and config.shopify_api_secret):
        raise TokenUnavailable("SHOPIFY_API_KEY and SHOPIFY_API_SECRET are not set")
    grant = auth.exchange_session_token(
        token.shop, raw, config.shopify_api_key, config.shopify_api_secret, config.shopify_api_base_url
    )
    info = shop_info(config, token.shop, grant.access_token)
    create_order_definitions(config, token.shop, grant.access_token)
    with db.session() as session:
        return install_shop(session, box, token.shop, grant, info).id

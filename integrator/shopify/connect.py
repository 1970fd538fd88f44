"""A Shopify shop's connector, built from its stored (encrypted) token: an OAuth shop's expiring
token is refreshed first when it is about to expire, and once more when Shopify answers 401 to it
(revoked or expired early; research/shopify.md §0.2)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, object_session

from connectors.base import PlatformError
from connectors.shopify.client import ShopifyClient
from integrator.config import Config
from integrator.loyalty.models import Shop, utcnow
from integrator.platform_registry import NotConnected
from integrator.secretbox import SecretBox
from integrator.services import services
from integrator.shopify import tokens


def shopify_client(
    config: Config, domain: str, access_token: str, on_unauthorized: Callable[[], str] | None = None
) -> ShopifyClient:
    return ShopifyClient(domain, access_token, base_url=config.shopify_api_base_url, on_unauthorized=on_unauthorized)


@contextmanager
def _session_of(shop: Shop) -> Iterator[Session]:
    """The session the shop was loaded in (a refreshed token then commits with the caller's work;
    a second transaction could wait on the caller's own lock on SQLite), or a new one for a detached shop."""
    session = object_session(shop)
    if session is not None:
        yield session
        return

    with services().db.session() as own:
        yield own


def _token_after_unauthorized(config: Config, box: SecretBox, shop: Shop) -> str:
    try:
        with _session_of(shop) as session:
            return tokens.refresh_after_unauthorized(config, box, session, shop)
    except tokens.TokenUnavailable as exc:
        raise NotConnected(str(exc)) from exc


def _refresher(config: Config, box: SecretBox, shop: Shop) -> Callable[[], str] | None:
    """What the client calls on a 401: a fresh token for an OAuth shop; a refusal it cannot get past
    is the 401 itself, not retried (a custom app's token is not refreshed at all)."""
    if shop.install_kind != "oauth":
        return None

    def refresh() -> str:
        try:
            return _token_after_unauthorized(config, box, shop)
        except NotConnected as refused:
            raise PlatformError(str(refused), retryable=False, status=401) from refused

    return refresh


def connector_for(config: Config, box: SecretBox, shop: Shop) -> ShopifyClient:
    """The shop's Admin API client; NotConnected without a usable token."""
    if shop.access_token_enc is None or shop.uninstalled_at is not None:
        raise NotConnected(f"{shop.domain} has no access token")
    refresher = _refresher(config, box, shop)
    if not tokens.needs_refresh(shop, utcnow(), tokens.REFRESH_MARGIN):
        return shopify_client(config, shop.domain, box.decrypt(shop.access_token_enc), refresher)
    try:
        with _session_of(shop) as session:
            token = tokens.access_token_for(config, box, session, shop)
    except tokens.TokenUnavailable as exc:
        raise NotConnected(str(exc)) from exc
    return shopify_client(config, shop.domain, token, refresher)


def connector_after_unauthorized(config: Config, box: SecretBox, shop: Shop) -> ShopifyClient:
    """Shopify answered 401 to the client connector_for gave for `shop`: a client with a refreshed
    token; NotConnected when there is none (a custom app, or an uninstalled shop whose refresh token
    is dead)."""
    return shopify_client(config, shop.domain, _token_after_unauthorized(config, box, shop))

"""The connector for a shop, built from its stored (encrypted) credentials."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session, object_session

from connectors.base import PlatformError
from connectors.shopify.client import ShopifyClient
from connectors.woocommerce.client import WooCommerceClient
from integrator import shopify_tokens
from integrator.config import Config
from integrator.loyalty.models import Shop, utcnow
from integrator.secretbox import SecretBox
from integrator.services import services


class NotConnected(RuntimeError):
    """The shop has no usable credentials (uninstalled, or never given a token)."""


def shopify_client(config: Config, domain: str, access_token: str) -> ShopifyClient:
    return ShopifyClient(domain, access_token, base_url=config.shopify_api_base_url)


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


def woocommerce_client(config: Config, box: SecretBox, shop: Shop) -> WooCommerceClient:
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


def connector_for(config: Config, box: SecretBox, shop: Shop) -> ShopifyClient | WooCommerceClient:
    """The shop's API client, with an OAuth shop's expiring token refreshed first when it is about to expire."""
    if shop.platform == "woocommerce":
        return woocommerce_client(config, box, shop)
    if shop.platform != "shopify":
        raise NotConnected(f"no connector for {shop.platform}")
    if shop.access_token_enc is None or shop.uninstalled_at is not None:
        raise NotConnected(f"{shop.domain} has no access token")
    if not shopify_tokens.needs_refresh(shop, utcnow(), shopify_tokens.REFRESH_MARGIN):
        return shopify_client(config, shop.domain, box.decrypt(shop.access_token_enc))
    try:
        with _session_of(shop) as session:
            token = shopify_tokens.access_token_for(config, box, session, shop)
    except shopify_tokens.TokenUnavailable as exc:
        raise NotConnected(str(exc)) from exc
    return shopify_client(config, shop.domain, token)


def connector_after_unauthorized(config: Config, box: SecretBox, shop: Shop) -> ShopifyClient:
    """Shopify answered 401 (PlatformError.status) to the client connector_for gave for `shop`: an
    OAuth shop's token expired early. A client with a refreshed token, to retry once; NotConnected
    when there is none (a custom app, or an uninstalled shop whose refresh token is dead)."""
    try:
        with _session_of(shop) as session:
            token = shopify_tokens.refresh_after_unauthorized(config, box, session, shop)
    except shopify_tokens.TokenUnavailable as exc:
        raise NotConnected(str(exc)) from exc
    return shopify_client(config, shop.domain, token)


class RefreshOnUnauthorized:
    """A shop's client that, when Shopify answers 401 to an OAuth shop (its token expired or was
    revoked early), refreshes the token once and repeats the call (research/shopify.md §0.2)."""

    def __init__(self, config: Config, box: SecretBox, shop: Shop, client: ShopifyClient | WooCommerceClient) -> None:
        self._config, self._box, self._shop, self._client = config, box, shop, client

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if not callable(method) or self._shop.install_kind != "oauth":
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except PlatformError as exc:
                if exc.status != 401:
                    raise
                try:
                    self._client = connector_after_unauthorized(self._config, self._box, self._shop)
                except NotConnected as refused:
                    raise PlatformError(str(refused), retryable=False, status=401) from exc
                return getattr(self._client, name)(*args, **kwargs)

        return call

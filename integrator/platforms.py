"""The connector for a shop, built from its stored (encrypted) credentials."""

from __future__ import annotations

from connectors.shopify.client import ShopifyClient
from integrator.config import Config
from integrator.loyalty.models import Shop
from integrator.secretbox import SecretBox


class NotConnected(RuntimeError):
    """The shop has no usable credentials (uninstalled, or never given a token)."""


def shopify_client(config: Config, domain: str, access_token: str) -> ShopifyClient:
    return ShopifyClient(domain, access_token, base_url=config.shopify_api_base_url)


def connector_for(config: Config, box: SecretBox, shop: Shop) -> ShopifyClient:
    if shop.platform != "shopify":
        raise NotConnected(f"no connector for {shop.platform}")
    if shop.access_token_enc is None or shop.uninstalled_at is not None:
        raise NotConnected(f"{shop.domain} has no access token")
    return shopify_client(config, shop.domain, box.decrypt(shop.access_token_enc))

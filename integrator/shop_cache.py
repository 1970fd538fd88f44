"""Per-process caches of the shop a webhook delivery names and its secret, so the hot path does not
read and decrypt the shop on every delivery."""

from __future__ import annotations

import time

from sqlalchemy import select

from integrator.loyalty.models import Shop
from integrator.services import services

SHOP_CACHE_SECONDS = 30.0


class ShopSecrets:
    """Per-process cache of (shop, webhook secret) by the key a delivery names its shop with, so the
    hot path does not read and decrypt the shop on every delivery. Entries live 30 s; an unknown key
    is not cached. Shopify deliveries name the shop's domain."""

    platform, key_column = "shopify", "domain"

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Shop, str | None]] = {}

    def lookup(self, key: str) -> tuple[Shop | None, str | None]:
        now = time.monotonic()
        cached = self._entries.get(key)
        if cached and cached[0] > now:
            return cached[1], cached[2]
        db = services().db
        with db.session() as session:
            column = getattr(Shop, self.key_column)
            shop = session.execute(
                select(Shop).where(Shop.platform == self.platform, column == key)
            ).scalar_one_or_none()
            if shop is None:
                return None, None
            session.expunge(shop)
        box = services().box
        secret = box.decrypt(shop.webhook_secret_enc) if shop.webhook_secret_enc else None
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[key] = (now + SHOP_CACHE_SECONDS, shop, secret)
        return shop, secret

    def forget(self, key: str | None = None) -> None:
        if key is None:
            self._entries.clear()
        else:
            self._entries.pop(key, None)


class StoreSecrets(ShopSecrets):
    """The same cache for WooCommerce stores, by the webhook token in their delivery URL."""

    platform, key_column = "woocommerce", "webhook_token"

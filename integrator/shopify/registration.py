"""Shopify as the app knows it: what integrator/shopify registers at app start (create_app)."""

from __future__ import annotations

from connectors.shopify.client import ShopifyClient
from integrator.loyalty.models import Shop
from integrator.platform_registry import Platform
from integrator.shopify import admin_session, checkout, cli, connect, handlers, install, proxy, webhook


def _has_token(shop: Shop) -> bool:
    return shop.access_token_enc is not None


PLATFORM = Platform(
    name="shopify",
    handlers=handlers.HANDLERS,
    connector=connect.connector_for,
    apply_path=ShopifyClient.apply_path,
    store_credit=ShopifyClient.supports_store_credit,
    has_credentials=_has_token,
    webhook_blueprint=webhook.bp,
    blueprints=(install.bp, proxy.bp, checkout.bp),
    shop_commands=(cli.add_shopify,),
    after_uninstall=handlers.COMPLIANCE_TOPICS,
    rate_limits=proxy.register_limits,  # the widget API's per-shopper allowance, behind the proxy
    extras={"embedded_admin": admin_session.embedded_merchant},
)

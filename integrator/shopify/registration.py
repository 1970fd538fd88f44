"""Shopify as the app knows it: what integrator/shopify registers at app start (create_app)."""

from __future__ import annotations

from flask_limiter import Limiter

from connectors.shopify.client import ShopifyClient
from connectors.shopify.webhooks import SUBSCRIBED_TOPICS
from integrator.loyalty.models import Shop
from integrator.platform_registry import Platform, WebhookTarget
from integrator.shopify import admin_session, checkout, cli, connect, handlers, install, proxy, webhook


def _has_token(shop: Shop) -> bool:
    return shop.access_token_enc is not None


def _custom_app_webhooks(shop: Shop) -> WebhookTarget | None:
    """A custom app's subscriptions are ours to keep (Shopify deletes one after repeated failed
    deliveries); an OAuth app's come from shopify.app.toml, and both would deliver every event twice."""
    return WebhookTarget(webhook.PATH, tuple(SUBSCRIBED_TOPICS)) if shop.install_kind == "custom_app" else None


def _rate_limits(limiter: Limiter) -> None:
    """The widget API's per-shopper allowance, behind the app proxy and from the checkout extension."""
    proxy.register_limits(limiter)
    checkout.register_limits(limiter)


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
    restored_webhooks=_custom_app_webhooks,
    rate_limits=_rate_limits,
    extras={"embedded_admin": admin_session.embedded_merchant},
)

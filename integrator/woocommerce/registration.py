"""WooCommerce as the app knows it: what integrator/woocommerce registers at app start (create_app)."""

from __future__ import annotations

from connectors.woocommerce.client import WooCommerceClient
from integrator.loyalty.models import Shop
from integrator.platform_registry import Platform
from integrator.woocommerce import cli, connect, handlers, stores, webhook


def _has_keys(shop: Shop) -> bool:
    return shop.consumer_key_enc is not None and shop.consumer_secret_enc is not None


PLATFORM = Platform(
    name="woocommerce",
    handlers=handlers.HANDLERS,
    connector=stores.connector_for,
    apply_path=WooCommerceClient.apply_path,
    store_credit=WooCommerceClient.supports_store_credit,
    has_credentials=_has_keys,
    webhook_blueprint=webhook.bp,
    blueprints=(connect.bp,),
    shop_commands=(cli.add_woocommerce,),
    read_ahead=handlers.read_ahead,
    needs_read_ahead=handlers.needs_read_ahead,
    rate_limits=connect.register_limits,  # the anonymous connect endpoint
)

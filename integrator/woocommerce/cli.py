"""`flask --app wsgi shops add-woocommerce`: connect a store with REST API keys made in its admin."""

from __future__ import annotations

import json

import click

from connectors.base import PlatformError
from connectors.woocommerce.auth import StoreUrlRefused, check_store_url
from connectors.woocommerce.client import WooCommerceClient
from integrator.loyalty.shops import issue_api_key
from integrator.services import services
from integrator.shop_commands import fail, shop_info
from integrator.woocommerce import stores


@click.command("add-woocommerce")
@click.option("--url", "store_url", required=True, help="the store's URL, e.g. https://shop.example.com")
@click.option("--consumer-key", required=True, help="a read_write REST API key (ck_...)")
@click.option("--consumer-secret", required=True, help="its secret (cs_...)")
def add_woocommerce(store_url: str, consumer_key: str, consumer_secret: str) -> None:
    """Connect a WooCommerce store with REST API keys made in its admin, and create its webhooks."""
    config = services().config
    try:
        stores.check_app_url_port(config.app_url)
    except stores.AppUrlUnreachable as exc:
        if not config.allow_private_store_urls:
            fail(str(exc))
        # Development and tests: a local WordPress needs filters to deliver to a private address
        # anyway (http_request_host_is_external), and can allow the port the same way.
        click.echo(f"warning: {exc} (allowed: ALLOW_PRIVATE_STORE_URLS=1)", err=True)
    try:
        store_url = check_store_url(store_url, config.allow_private_store_urls)
    except StoreUrlRefused as exc:
        fail(str(exc))
    ck, cs = consumer_key.strip(), consumer_secret.strip()
    if not (ck and cs):
        fail("--consumer-key and --consumer-secret must not be empty")
    client = WooCommerceClient(store_url, ck, cs, allow_private=config.allow_private_store_urls)
    info = shop_info(client, store_url, f"{store_url} refused the keys")
    db = services().db
    box = services().box
    with db.session() as session:
        shop = stores.save_store(session, box, store_url, ck, cs, "api_keys")
        if info is not None:
            shop.currency = info.currency
        key = issue_api_key(session, shop)
        result = {
            "shop_id": shop.id,
            "public_id": shop.public_id,
            "api_key": key,
            "widget_secret": box.decrypt(shop.widget_secret_enc),
        }
    try:
        stores.register(client, config, box, shop)
    except PlatformError as exc:
        click.echo(f"warning: webhooks not created yet ({exc}); run add-woocommerce again to retry", err=True)
    click.echo(json.dumps(result))

"""`flask --app wsgi shops add-shopify`: connect a shop that uses a custom app made in its admin."""

from __future__ import annotations

import json

import click

from connectors.base import PlatformError
from connectors.shopify.auth import is_shop_domain
from connectors.shopify.webhooks import SUBSCRIBED_TOPICS
from integrator.loyalty.shops import connect_shop, issue_api_key
from integrator.services import services
from integrator.shop_commands import fail, shop_info
from integrator.shopify.connect import shopify_client
from integrator.shopify.webhook import PATH


def normalise_shopify_domain(domain: str) -> str:
    """NAME.myshopify.com as typed (any case, with a scheme or a trailing slash), or ValueError."""
    value = domain.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if not is_shop_domain(value):
        raise ValueError(f"not a Shopify shop domain: {domain!r} (expected NAME.myshopify.com)")
    return value


@click.command("add-shopify")
@click.option("--domain", required=True, help="NAME.myshopify.com")
@click.option("--access-token", required=True, help="the custom app's Admin API access token")
@click.option("--api-secret", default=None, help="the custom app's API secret (signs its webhooks)")
def add_shopify(domain: str, access_token: str, api_secret: str | None) -> None:
    """Connect a shop that uses a custom app made in its admin, and register its webhooks."""
    config = services().config
    try:
        domain = normalise_shopify_domain(domain)
    except ValueError as exc:
        fail(str(exc))
    if not access_token.strip():
        fail("--access-token is empty")
    if not (api_secret or config.shopify_api_secret):
        fail("no webhook secret: pass --api-secret or set SHOPIFY_API_SECRET")
    client = shopify_client(config, domain, access_token.strip())
    info = shop_info(client, domain, f"Shopify refused the access token for {domain}")
    db = services().db
    box = services().box
    with db.session() as session:
        shop, _ = connect_shop(session, box, "shopify", domain, access_token.strip(), api_secret, "custom_app")
        if info is not None:
            shop.name, shop.currency = info.name, info.currency
            shop.language = "id" if info.language == "id" else "en"
            shop.timezone = info.timezone or shop.timezone
        key = issue_api_key(session, shop)
        result = {
            "shop_id": shop.id,
            "public_id": shop.public_id,
            "api_key": key,
            "widget_secret": box.decrypt(shop.widget_secret_enc),
        }
    services().shop_secrets.forget(domain)
    try:
        client.register_webhooks(config.app_url + PATH, SUBSCRIBED_TOPICS)
    except PlatformError as exc:
        click.echo(f"warning: webhooks not registered yet ({exc}); run add-shopify again to retry", err=True)
    try:
        client.create_metafield_definitions()
    except PlatformError as exc:
        click.echo(f"warning: order metafield definitions not created ({exc}); they need write_orders", err=True)
    click.echo(json.dumps(result))

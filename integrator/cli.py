"""flask --app wsgi shops|ledger|jobs|demo ... (CONTRACT.md, "CLI")."""

from __future__ import annotations

import json
import sys
from typing import NoReturn, Protocol

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from connectors.base import PlatformError, ShopInfo
from connectors.shopify.webhooks import SUBSCRIBED_TOPICS
from connectors.woocommerce.auth import StoreUrlRefused, check_store_url
from connectors.woocommerce.client import WooCommerceClient
from integrator import jobs, periodic, woocommerce_stores
from integrator.admin import login_links
from integrator.loyalty import ledger
from integrator.loyalty.errors import UnknownShop
from integrator.loyalty.models import WebhookEvent
from integrator.loyalty.shops import connect_shop, issue_api_key, normalise_shopify_domain, resolve_shop
from integrator.platforms import shopify_client
from integrator.services import services

shops_cli = AppGroup("shops", help="Connect shops and issue their API keys.")
ledger_cli = AppGroup("ledger", help="Check the ledger.")
jobs_cli = AppGroup("jobs", help="Background jobs: failed deliveries, retries, the worker.")


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class _ShopSource(Protocol):
    def fetch_shop(self) -> ShopInfo: ...


def _shop_info(client: _ShopSource, where: str, refused: str) -> ShopInfo | None:
    """The store's name and currency; a refusal exits 1 before anything is stored, an unreachable
    store is connected anyway (with a warning) and None is returned."""
    try:
        return client.fetch_shop()
    except PlatformError as exc:
        if not exc.retryable:
            _fail(f"{refused}: {exc}")
        click.echo(f"warning: could not reach {where} ({exc}); connecting anyway", err=True)
        return None


@shops_cli.command("add-shopify")
@click.option("--domain", required=True, help="NAME.myshopify.com")
@click.option("--access-token", required=True, help="the custom app's Admin API access token")
@click.option("--api-secret", default=None, help="the custom app's API secret (signs its webhooks)")
def add_shopify(domain: str, access_token: str, api_secret: str | None) -> None:
    """Connect a shop that uses a custom app made in its admin, and register its webhooks."""
    config = services().config
    try:
        domain = normalise_shopify_domain(domain)
    except ValueError as exc:
        _fail(str(exc))
    if not access_token.strip():
        _fail("--access-token is empty")
    if not (api_secret or config.shopify_api_secret):
        _fail("no webhook secret: pass --api-secret or set SHOPIFY_API_SECRET")
    client = shopify_client(config, domain, access_token.strip())
    info = _shop_info(client, domain, f"Shopify refused the access token for {domain}")
    db = services().db
    box = services().box
    with db.session() as session:
        shop, _ = connect_shop(session, box, "shopify", domain, access_token.strip(), api_secret, "custom_app")
        if info is not None:
            shop.name, shop.currency = info.name, info.currency
            shop.language = "id" if info.language == "id" else "en"
        key = issue_api_key(session, shop)
        result = {
            "shop_id": shop.id,
            "public_id": shop.public_id,
            "api_key": key,
            "widget_secret": box.decrypt(shop.widget_secret_enc),
        }
    services().shop_secrets.forget(domain)
    try:
        client.register_webhooks(f"{config.app_url}/webhooks/shopify", SUBSCRIBED_TOPICS)
    except PlatformError as exc:
        click.echo(f"warning: webhooks not registered yet ({exc}); run add-shopify again to retry", err=True)
    click.echo(json.dumps(result))


@shops_cli.command("add-woocommerce")
@click.option("--url", "store_url", required=True, help="the store's URL, e.g. https://shop.example.com")
@click.option("--consumer-key", required=True, help="a read_write REST API key (ck_...)")
@click.option("--consumer-secret", required=True, help="its secret (cs_...)")
def add_woocommerce(store_url: str, consumer_key: str, consumer_secret: str) -> None:
    """Connect a WooCommerce store with REST API keys made in its admin, and create its webhooks."""
    config = services().config
    try:
        woocommerce_stores.check_app_url_port(config.app_url)
        store_url = check_store_url(store_url, config.allow_private_store_urls)
    except (woocommerce_stores.AppUrlUnreachable, StoreUrlRefused) as exc:
        _fail(str(exc))
    ck, cs = consumer_key.strip(), consumer_secret.strip()
    if not (ck and cs):
        _fail("--consumer-key and --consumer-secret must not be empty")
    client = WooCommerceClient(store_url, ck, cs, allow_private=config.allow_private_store_urls)
    info = _shop_info(client, store_url, f"{store_url} refused the keys")
    db = services().db
    box = services().box
    with db.session() as session:
        shop = woocommerce_stores.save_store(session, box, store_url, ck, cs, "api_keys")
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
        woocommerce_stores.register(client, config, box, shop)
    except PlatformError as exc:
        click.echo(f"warning: webhooks not created yet ({exc}); run add-woocommerce again to retry", err=True)
    click.echo(json.dumps(result))


@shops_cli.command("api-key")
@click.argument("shop_ref", metavar="SHOP")
def api_key(shop_ref: str) -> None:
    """Issue a new merchant API key for SHOP (an id or a domain)."""
    with services().db.session() as session:
        try:
            shop = resolve_shop(session, shop_ref)
        except UnknownShop as exc:
            _fail(exc.message)
        click.echo(json.dumps({"shop_id": shop.id, "api_key": issue_api_key(session, shop)}))


@shops_cli.command("api-keys")
@click.argument("shop_ref", metavar="SHOP")
def api_keys(shop_ref: str) -> None:
    """List SHOP's API keys, newest first: one JSON object per line (prefix, created, last used, revoked)."""
    from integrator.loyalty.api_keys import api_keys_of, described

    with services().db.session() as session:
        try:
            shop = resolve_shop(session, shop_ref)
        except UnknownShop as exc:
            _fail(exc.message)
        for key in api_keys_of(session, shop.id):
            click.echo(json.dumps(described(key)))


@shops_cli.command("revoke-api-key")
@click.argument("shop_ref", metavar="SHOP")
@click.argument("prefix")
def revoke_key(shop_ref: str, prefix: str) -> None:
    """Revoke SHOP's API key that starts with PREFIX (as `shops api-keys` lists it): it answers 401 from then on."""
    from integrator.loyalty.api_keys import described, revoke_api_key
    from integrator.loyalty.errors import NotFound

    with services().db.session() as session:
        try:
            shop = resolve_shop(session, shop_ref)
            click.echo(json.dumps(described(revoke_api_key(session, shop.id, prefix))))
        except (UnknownShop, NotFound) as exc:
            _fail(exc.message)


@shops_cli.command("login-link")
@click.argument("shop_ref", metavar="SHOP")
def login_link(shop_ref: str) -> None:
    """Print a one-time URL (15 minutes) that signs into SHOP's settings page."""
    config = services().config
    with services().db.session() as session:
        try:
            shop = resolve_shop(session, shop_ref)
        except UnknownShop as exc:
            _fail(exc.message)
        click.echo(f"{config.app_url}/admin/login/{login_links.issue(config.secret_key, shop.id)}")


@ledger_cli.command("verify")
def verify() -> None:
    """Recompute every balance from the entries; exit 1 listing each difference."""
    with services().db.session() as session:
        differences = ledger.verify(session)
    if not differences:
        click.echo("ledger ok: every balance matches its entries")
        return
    for diff in differences:
        click.echo(f"member {diff.member_id}: {diff.column} stored {diff.stored}, entries say {diff.from_entries}")
    click.echo(f"{len(differences)} difference(s)", err=True)
    sys.exit(1)


@jobs_cli.command("failed")
def failed() -> None:
    """Deliveries that failed for good or are waiting for a retry."""
    with services().db.session() as session:
        rows = (
            session.execute(
                select(WebhookEvent).where(WebhookEvent.status.in_(("failed", "retrying"))).order_by(WebhookEvent.id)
            )
            .scalars()
            .all()
        )
        for event in rows:
            when = f" next attempt {event.next_attempt_at:%Y-%m-%d %H:%M:%S}Z" if event.next_attempt_at else ""
            click.echo(
                f"{event.id}\t{event.status}\t{event.platform} {event.topic}\t{event.shop_key}\t"
                f"attempts {event.attempts}{when}\t{event.last_error}"
            )
        click.echo(f"{len(rows)} delivery(ies) failed or waiting for a retry", err=True)


@jobs_cli.command("retry")
@click.argument("event_ids", nargs=-1, type=int)
def retry(event_ids: tuple[int, ...]) -> None:
    """Retry failed deliveries now (all, or the given ids)."""
    count = jobs.retry_failed(list(event_ids) or None)
    click.echo(f"{count} delivery(ies) queued again")


@jobs_cli.command("sweep")
def sweep() -> None:
    """Re-enqueue stored deliveries that were never processed (what the periodic sweeper does)."""
    click.echo(f"{periodic.sweep()} delivery(ies) re-enqueued")


@jobs_cli.command("vest")
def vest() -> None:
    """Make pending points and cashback available when their time has come."""
    click.echo(f"{periodic.vest()} order(s) vested")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
def worker(burst: bool) -> None:
    """Run a non-forking RQ worker on the setia queue (needs REDIS_URL)."""
    from rq import Queue, SimpleWorker

    config = services().config
    if not config.redis_url:
        _fail("REDIS_URL is not set: without Redis, jobs run inline and no worker is needed")
    from redis import Redis

    connection = Redis.from_url(config.redis_url)
    SimpleWorker([Queue(jobs.QUEUE, connection=connection)], connection=connection).work(
        burst=burst, logging_level="WARNING"
    )


@jobs_cli.command("scheduler")
def scheduler() -> None:
    """Enqueue the periodic jobs on schedule (needs REDIS_URL); survives Redis outages."""
    import signal
    import threading

    from integrator import scheduler as cron

    config = services().config
    if not config.redis_url:
        _fail("REDIS_URL is not set: without Redis, run the periodic jobs with `make run`'s timer or by hand")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    cron.build(cron.connect(config.redis_url), periodic.SCHEDULE, stop).run()


def register_cli(app: Flask) -> None:
    for group in (shops_cli, ledger_cli, jobs_cli):
        app.cli.add_command(group)

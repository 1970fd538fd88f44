"""flask --app wsgi shops|ledger|jobs ... (README.md lists the commands)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrator import jobs, periodic
from integrator.admin import login_links
from integrator.loyalty import ledger
from integrator.loyalty.api_keys import api_keys_of, described, revoke_api_key
from integrator.loyalty.errors import NotFound, UnknownShop
from integrator.loyalty.models import Shop, WebhookEvent
from integrator.loyalty.shops import issue_api_key, resolve_shop
from integrator.services import services
from integrator.shop_commands import fail

shops_cli = AppGroup("shops", help="Connect shops and issue their API keys.")
ledger_cli = AppGroup("ledger", help="Check the ledger.")
jobs_cli = AppGroup("jobs", help="Background jobs: failed deliveries, retries, the worker.")


def _shop(session: Session, shop_ref: str) -> Shop:
    """The shop SHOP names (an id, a domain or a store URL); exit 1 saying so when none."""
    try:
        return resolve_shop(session, shop_ref)
    except UnknownShop as exc:
        fail(exc.message)


@shops_cli.command("api-key")
@click.argument("shop_ref", metavar="SHOP")
def api_key(shop_ref: str) -> None:
    """Issue a new merchant API key for SHOP (an id or a domain)."""
    with services().db.session() as session:
        shop = _shop(session, shop_ref)
        click.echo(json.dumps({"shop_id": shop.id, "api_key": issue_api_key(session, shop)}))


@shops_cli.command("api-keys")
@click.argument("shop_ref", metavar="SHOP")
def api_keys(shop_ref: str) -> None:
    """List SHOP's API keys, newest first: one JSON object per line (prefix, created, last used, revoked)."""
    with services().db.session() as session:
        shop = _shop(session, shop_ref)
        for key in api_keys_of(session, shop.id):
            click.echo(json.dumps(described(key)))


@shops_cli.command("revoke-api-key")
@click.argument("shop_ref", metavar="SHOP")
@click.argument("prefix")
def revoke_key(shop_ref: str, prefix: str) -> None:
    """Revoke SHOP's API key that starts with PREFIX (as `shops api-keys` lists it): it answers 401 from then on."""
    with services().db.session() as session:
        shop = _shop(session, shop_ref)
        try:
            click.echo(json.dumps(described(revoke_api_key(session, shop.id, prefix))))
        except NotFound as exc:
            fail(exc.message)


@shops_cli.command("login-link")
@click.argument("shop_ref", metavar="SHOP")
def login_link(shop_ref: str) -> None:
    """Print a one-time URL (15 minutes) that signs into SHOP's settings page."""
    config = services().config
    with services().db.session() as session:
        shop = _shop(session, shop_ref)
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
    """Run a worker (needs REDIS_URL): a non-forking RQ worker on the setia queue and, on PostgreSQL,
    deliveries claimed from the database (integrator/worker.py)."""
    from integrator import worker as loop

    config = services().config
    if not config.redis_url:
        fail("REDIS_URL is not set: without Redis, jobs run inline and no worker is needed")
    from redis import Redis

    loop.run(Redis.from_url(config.redis_url), burst)


@jobs_cli.command("scheduler")
def scheduler() -> None:
    """Enqueue the periodic jobs on schedule (needs REDIS_URL); survives Redis outages."""
    import signal
    import threading

    from integrator import scheduler as cron

    config = services().config
    if not config.redis_url:
        fail("REDIS_URL is not set: without Redis, run the periodic jobs with `make run`'s timer or by hand")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    cron.build(cron.connect(config.redis_url), periodic.SCHEDULE, stop).run()


def register_cli(app: Flask, shop_commands: Iterable[click.Command] = ()) -> None:
    """The command groups; `shop_commands` are the platforms' add-<platform> commands."""
    for command in shop_commands:
        shops_cli.add_command(command)
    for group in (shops_cli, ledger_cli, jobs_cli):
        app.cli.add_command(group)

"""`make run`: a demo shop with a few orders, and a development server that also runs the
periodic jobs (sweeper, vesting, heartbeat...) on a timer, as production's scheduler would."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrator import analytics_jobs, jobs, periodic
from integrator.admin import login_links
from integrator.config import INSTANCE
from integrator.demo_store import DOMAIN as DEMO_DOMAIN
from integrator.demo_store import INSTALL_KIND, SARI, order_payload
from integrator.inbox import Incoming, store_delivery
from integrator.loyalty.models import LedgerEntry, Member
from integrator.loyalty.rewards import create_reward, rewards_of
from integrator.loyalty.settings import update_settings
from integrator.loyalty.shops import connect_shop, find_shop, issue_api_key
from integrator.services import services

demo_cli = AppGroup("demo", help="Demo data for local use.")

DEMO_FILE = INSTANCE / "demo.json"
TICK = 15  # seconds between looks at the schedule
SHOPPERS = [
    SARI,
    (7002, "budi@example.com", "Budi", "Santoso"),
    (7003, "dewi@example.com", "Dewi", "Lestari"),
]
# What the demo storefront (/demo) offers for points; Sari's paid orders earned her enough for each.
REWARDS = [
    {"name": "Potongan Rp 10.000", "points_cost": 500, "kind": "fixed_amount", "value": "10000"},
    {"name": "Gratis ongkir", "points_cost": 300, "kind": "free_shipping"},
    {"name": "Diskon 10%", "points_cost": 1000, "kind": "percentage", "value": "10"},
]
# (order id, shopper index, subtotal in rupiah, what happened to it)
ORDERS = [
    (9001, 0, "250000", "paid"),
    (9002, 0, "1250000", "paid"),
    (9003, 1, "480000", "paid"),
    (9004, 1, "99000", "refunded_half"),
    (9005, 2, "730000", "pending"),
]
# More paid orders over the last weeks, for the analytics dashboard: (order id, shopper index or None
# for a guest checkout, subtotal in rupiah, days ago).
MORE_SHOPPERS = [
    (7004, "rina@example.com", "Rina", "Kusuma"),
    (7005, "agus@example.com", "Agus", "Pratama"),
]
MORE_ORDERS = [
    (9006, 3, "320000", 24),
    (9007, 4, "150000", 20),
    (9008, None, "210000", 18),
    (9009, 0, "640000", 14),
    (9010, 3, "275000", 10),
    (9011, None, "95000", 7),
    (9012, 1, "510000", 5),
    (9013, 2, "180000", 2),
    (9014, None, "430000", 1),
]


def order_dates(now: datetime) -> dict[str, datetime]:
    """When each demo order was placed (its `processed_at`), by platform order id."""
    dates = {str(order_id): now - timedelta(days=3) for order_id, *_ in ORDERS}
    return dates | {str(order_id): now - timedelta(days=days, hours=3) for order_id, _, _, days in MORE_ORDERS}


def _deliveries(now: datetime) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for order_id, who, subtotal, what in ORDERS:
        financial = "pending" if what == "pending" else "paid"
        payload = order_payload(order_id, SHOPPERS[who], subtotal, financial, order_dates(now)[str(order_id)])
        out.append(("orders/create", f"demo-{order_id}-create", payload))
        if what == "refunded_half":
            half = str(Decimal(subtotal) / 2)
            refund = {
                "id": order_id * 10,
                "order_id": order_id,
                "refund_line_items": [{"subtotal_set": {"shop_money": {"amount": half, "currency_code": "IDR"}}}],
            }
            out.append(("refunds/create", f"demo-{order_id}-refund", refund))
    shoppers = SHOPPERS + MORE_SHOPPERS
    for order_id, index, subtotal, _days_ago in MORE_ORDERS:
        shopper = shoppers[index] if index is not None else None
        payload = order_payload(order_id, shopper, subtotal, "paid", order_dates(now)[str(order_id)])
        out.append(("orders/paid", f"demo-{order_id}-paid", payload))
    return out


def backdate(session: Session, shop_id: int, dates: dict[str, datetime]) -> None:
    """The demo's orders are processed now but were placed over past days: their ledger entries
    carry the order's date, and each member is enrolled on the date of their first order, so the
    analytics charts tell one story (a live shop gets these dates by living through them)."""
    entries = select(LedgerEntry).where(
        LedgerEntry.shop_id == shop_id, LedgerEntry.source == "order", LedgerEntry.source_id.in_(list(dates))
    )
    first_order: dict[int, datetime] = {}
    for entry in session.execute(entries).scalars():
        placed = dates[str(entry.source_id)]
        entry.created_at = placed
        first_order[entry.member_id] = min(placed, first_order.get(entry.member_id, placed))
    for member in session.execute(select(Member).where(Member.id.in_(list(first_order)))).scalars():
        member.created_at = min(member.created_at, first_order[member.id])
    session.flush()


@demo_cli.command("seed")
def seed() -> None:
    """Create the demo shop and its orders (again safe: nothing is added twice)."""
    db = services().db
    box = services().box
    now = datetime.now(UTC)
    with db.session() as session:
        shop = find_shop(session, "shopify", DEMO_DOMAIN)
        if shop is None:
            # Installed as `demo`: its platform calls reach the demo store (integrator/demo_store.py).
            shop, _ = connect_shop(session, box, "shopify", DEMO_DOMAIN, None, "demo-webhook-secret", INSTALL_KIND)
            shop.name, shop.currency, shop.language = "Toko Setia (demo)", "IDR", "id"
            # Set like a merchant sets them, so the settings page's change log tells the truth from day one.
            session.flush()
            shop.timezone = "Asia/Jakarta"
            demo_settings = {
                "cashback_percent": "2",
                "unboxing": {"enabled": True},
                "bonus": {"signup_points": 50, "birthday_points": 100, "social_points": 10},
                "social": {"instagram_url": "https://www.instagram.com/tokosetia"},
                "notifications": {"email": {"enabled": True}},  # recorded, not sent: /demo/emails shows them
            }
            update_settings(session, shop, demo_settings, "demo")
        if shop.install_kind != INSTALL_KIND:
            if shop.access_token_enc is not None:
                click.echo(f"error: {DEMO_DOMAIN} is a shop connected to Shopify, not the demo shop", err=True)
                sys.exit(1)
            shop.install_kind = INSTALL_KIND  # a demo shop seeded before the demo store existed reaches it too
        if not rewards_of(session, shop.id):
            for reward in REWARDS:
                create_reward(session, shop, reward)
        shop_id = shop.id
        saved = json.loads(DEMO_FILE.read_text()) if DEMO_FILE.exists() else {}
        if saved.get("shop_id") != shop_id:
            saved = {"shop_id": shop_id, "public_id": shop.public_id, "api_key": issue_api_key(session, shop)}
            DEMO_FILE.write_text(json.dumps(saved))
        stored = []
        for topic, delivery_id, payload in _deliveries(now):
            incoming = Incoming(
                "shopify", DEMO_DOMAIN, shop_id, topic, delivery_id, None, now, json.dumps(payload).encode()
            )
            event_id = store_delivery(session, incoming, "received")
            if event_id is not None:
                stored.append(event_id)
    for event_id in stored:
        jobs.process_event(event_id)
    if stored:
        with db.session() as session:
            backdate(session, shop_id, order_dates(now))
    analytics_jobs.refresh_shop_snapshot(shop_id)  # the dashboard has numbers at once
    click.echo(f"demo shop {DEMO_DOMAIN} (id {shop_id}): {len(stored)} new delivery(ies) processed")


def _periodic(app: Any, stop: threading.Event) -> None:
    """Every job of periodic.SCHEDULE at its own interval, as the scheduler has them run in production (those
    that need a store, such as reconciliation, find none to work on in the demo)."""
    last_run: dict[str, float] = {}
    with app.app_context():
        while True:  # a first round at once: /healthz reports the scheduler's heartbeat from the start
            for job, every in periodic.SCHEDULE:
                name = f"{job.__module__}.{getattr(job, '__name__', repr(job))}"
                if time.monotonic() - last_run.get(name, float("-inf")) < every:
                    continue
                last_run[name] = time.monotonic()
                try:
                    job()
                except Exception:  # one failing job must not stop the others (production: rq logs it too)
                    current_app.logger.exception("periodic job %s failed", name)
            if stop.wait(TICK):
                return


def _check_port_free(port: int) -> None:
    """Say so and exit 1, before printing any link, when something already listens on the port."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind(("127.0.0.1", port))
    except OSError as exc:
        click.echo(f"error: port {port} on 127.0.0.1 is busy ({exc.strerror}); try make run PORT=5055", err=True)
        sys.exit(1)
    finally:
        probe.close()


@demo_cli.command("serve")
@click.option("--port", default=5000, show_default=True)
def serve(port: int) -> None:
    """Print the demo links and serve on 127.0.0.1 with the periodic jobs on a timer."""
    from werkzeug.serving import run_simple

    config = services().config
    _check_port_free(port)
    saved = json.loads(DEMO_FILE.read_text()) if DEMO_FILE.exists() else {}
    base = config.app_url
    click.echo("\nSetia is running with demo data (shop 'Toko Setia', Rupiah):")
    click.echo(f"  health:        {base}/healthz")
    click.echo(f"  API document:  {base}/api/v1/openapi.json")
    if saved:
        click.echo(f"  demo API key:  {saved['api_key']}")
        click.echo(f"  members:       curl -H 'Authorization: Bearer {saved['api_key']}' {base}/api/v1/members")
        link = login_links.issue(config.secret_key, saved["shop_id"])
        click.echo(f"  merchant:      {base}/admin/login/{link}  (home, settings, rewards...; one use, 15 minutes;")
        click.echo(f"                 a new one: .venv/bin/flask --app wsgi shops login-link {DEMO_DOMAIN})")
    click.echo(f"  storefront:    {base}/demo  (the widget as the demo shopper Sari sees it; ?lang=id)")
    click.echo(f"  emails:        {base}/demo/emails  (the shopper emails, recorded instead of sent without SMTP_URL)")
    if saved:
        click.echo(f"  cards:         {base}/admin/unboxing  (today's unboxing cards to print, once signed in)")
    click.echo(f"  widget:        {base}/widgets/loyalty.js\n")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stop = threading.Event()
    threading.Thread(target=_periodic, args=(app, stop), daemon=True).start()
    try:
        run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)
    finally:
        stop.set()

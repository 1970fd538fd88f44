"""The analytics jobs (scheduled in integrator/periodic.py): every few minutes the last two days of
every installed shop are aggregated again (a shop's first run backfills its whole history); every
hour the last RECENT_DAYS days (refunds change the day an order was paid) and the "as of now"
snapshot (repeat purchases, active members, RFM, top customers)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from integrator.jobs import enqueue, in_transaction
from integrator.loyalty import analytics, analytics_snapshot
from integrator.services import services

analytics_cli = AppGroup("analytics", help="The dashboard's pre-aggregated analytics.")


def refresh_shop_days(shop_id: int, days: int = 2) -> int:
    """Aggregate one shop's last `days` days (its whole history on the first run)."""
    return in_transaction(lambda session: analytics.refresh_shop(session, shop_id, days))


def refresh_shop_snapshot(shop_id: int) -> int:
    """Recompute the last RECENT_DAYS days, then the snapshot, of one shop."""
    refresh_shop_days(shop_id, analytics.RECENT_DAYS)
    data = in_transaction(lambda session: analytics_snapshot.refresh_snapshot(session, shop_id))
    return int(data["buyers"])


def _shops() -> list[int]:
    with services().db.session() as session:
        return analytics.shops_to_refresh(session)


def refresh_recent() -> int:
    """One job per installed shop: its last two days."""
    ids = _shops()
    slot = int(time.time()) // 300
    for shop_id in ids:
        enqueue(refresh_shop_days, shop_id, job_id=f"analytics-days-{shop_id}-{slot}")
    return len(ids)


def refresh_snapshots() -> int:
    """One job per installed shop: its last RECENT_DAYS days and its snapshot."""
    ids = _shops()
    slot = int(time.time()) // 3600
    for shop_id in ids:
        enqueue(refresh_shop_snapshot, shop_id, job_id=f"analytics-snapshot-{shop_id}-{slot}")
    return len(ids)


@analytics_cli.command("rebuild")
@click.option("--shop", "shop_id", type=int, default=None, help="one shop's id (default: every installed shop)")
def rebuild(shop_id: int | None) -> None:
    """Aggregate every day of the history again, then the snapshot (after a change to old orders)."""
    for one in [shop_id] if shop_id is not None else _shops():
        click.echo(f"shop {one}: {rebuild_shop(one)} days aggregated")


def rebuild_shop(shop_id: int) -> int:
    days = in_transaction(lambda session: analytics.rebuild_shop(session, shop_id))
    in_transaction(lambda session: analytics_snapshot.refresh_snapshot(session, shop_id))
    return days

"""The periodic jobs and their schedule, the platforms' own included: this module names every job the
scheduler runs, so it sits above integrator/shopify and integrator/woocommerce, like create_app.
`flask --app wsgi jobs scheduler` (scheduler.py) enqueues SCHEDULE in production, `make run`'s
development server runs the same list on a timer (demo.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from integrator import analytics_jobs, inbox, periodic_marks, reconciliation
from integrator.jobs import (
    due_events,
    process_event,
    push_coupon,
    push_friend_codes,
    push_transfer,
    reconcile_shop,
    transfer_cashback,
)
from integrator.loyalty import (
    birthdays,
    coupons,
    expiry,
    expiry_warnings,
    notifications,
    orders,
    referral_orders,
    referrals,
    store_credit,
    tiers,
)
from integrator.loyalty.models import Shop, utcnow
from integrator.notify.jobs import deliver_due
from integrator.platform_registry import store_credit_platforms
from integrator.queue import SWEEP_AFTER, enqueue, in_transaction, retry_due
from integrator.services import services
from integrator.shopify import tokens as shopify_tokens
from integrator.woocommerce import stores as woocommerce_stores

log = logging.getLogger(__name__)


def sweep() -> int:
    """Re-enqueue what was stored and never processed (a crash, a lost job, Redis down)."""
    with services().db.session() as session:
        ids = due_events(session, utcnow())
    for event_id in ids:
        enqueue(process_event, event_id, job_id=f"event-{event_id}-sweep-{int(time.time()) // 60}")
    if ids:
        log.info("sweeper re-enqueued %d deliveries", len(ids))
    return len(ids)


def vest() -> int:
    """Move pending points and cashback whose time has come to available."""
    return in_transaction(lambda session: orders.vest_due(session))


def flush_outbox() -> int:
    """Retry coupons and transfers left pending, and move cashback that became available (vested)
    to store credit. Returns how many jobs it enqueued."""
    now = utcnow()
    with services().db.session() as session:
        due_coupons = [
            cid for cid, first, tries in coupons.pending_coupons(session, now) if retry_due(first, tries, now)
        ]
        due_transfers = [
            tid
            for tid, first, tries in store_credit.pending_transfers(session, now - SWEEP_AFTER)
            if retry_due(first, tries, now)
        ]
        holders = store_credit.members_with_cashback(session, store_credit_platforms())
        friend_code_shops = referrals.shops_with_pending_codes(session)
    slot = int(time.time()) // 60
    for shop_id in friend_code_shops:
        enqueue(push_friend_codes, shop_id, job_id=f"friend-codes-{shop_id}-{slot}")
    for coupon_id in due_coupons:
        enqueue(push_coupon, coupon_id, job_id=f"coupon-{coupon_id}-{slot}")
    for transfer_id in due_transfers:
        enqueue(push_transfer, transfer_id, job_id=f"transfer-{transfer_id}-{slot}")
    for shop_id, member_id in holders:
        enqueue(transfer_cashback, shop_id, member_id, job_id=f"cashback-{member_id}-{slot}")
    return len(due_coupons) + len(due_transfers) + len(holders) + len(friend_code_shops)


def pay_referrals() -> int:
    """Pay the advocates of referrals whose hold has passed (referral_orders.pay_due)."""
    return in_transaction(lambda session: referral_orders.pay_due(session))


def prune_referral_clicks() -> int:
    """Delete referral link clicks older than 90 days."""
    return _in_batches(lambda session: referrals.prune_clicks(session, utcnow(), PRUNE_BATCH))


def _expire(session: Session, due: expiry.Due, now: datetime) -> int:
    shop = session.get(Shop, due.shop_id)
    return expiry.expire_member(session, shop, due.member_id, now) if shop is not None else 0


def expire_points() -> int:
    """Warn members whose points expire in 30 or 7 days (points.expiring events), then expire the
    available points of members inactive for their shop's `points_expiry_days`, one transaction per
    member. Returns how many members' points expired."""
    now = utcnow()
    in_transaction(lambda session: expiry_warnings.record_warnings(session, now))
    with services().db.session() as session:
        members = expiry.members_to_expire(session, now)
    expired = 0
    for due in members:
        if in_transaction(partial(_expire, due=due, now=now)) > 0:
            expired += 1
    if expired:
        log.info("points expired for %d inactive members", expired)
    return expired


def _credit_birthdays(session: Session, shop_id: int, now: datetime) -> int:
    shop = session.get(Shop, shop_id)
    return birthdays.credit_birthdays(session, shop, now) if shop is not None else 0


def credit_birthdays() -> int:
    """Credit today's birthdays (in each shop's time zone), one transaction per shop; a birthday is
    credited once a year whatever the number of runs. Returns how many members were credited."""
    now = utcnow()
    with services().db.session() as session:
        shop_ids = birthdays.shops_with_birthday_bonus(session)
    return sum(in_transaction(partial(_credit_birthdays, shop_id=shop_id, now=now)) for shop_id in shop_ids)


def recalculate_tiers() -> int:
    """Every hour: each member of a shop with tiers is placed again (tier_status.py): up when what
    counts reaches a higher tier, down when the tier's window has passed or refunds took what it
    counted below the threshold. One transaction per batch of members. Returns how many changed."""
    now, after, changed = utcnow(), 0, 0
    while True:
        moved, last = in_transaction(partial(tiers.recalculate_batch, after_member_id=after, now=now))
        changed += moved
        if last is None:
            break
        after = last
    if changed:
        log.info("tiers recalculated: %d members changed tier", changed)
    return changed


def reconcile_shops() -> int:
    """One reconciliation job per connected, installed shop."""
    with services().db.session() as session:
        ids = reconciliation.shops_to_reconcile(session)
    slot = int(time.time()) // 900
    for shop_id in ids:
        enqueue(reconcile_shop, shop_id, job_id=f"reconcile-{shop_id}-{slot}")
    return len(ids)


def check_woocommerce_webhooks() -> int:
    """One job per connected WooCommerce store: re-create missing webhooks, replace disabled ones."""
    with services().db.session() as session:
        ids = woocommerce_stores.stores_to_check(session)
    slot = int(time.time()) // 900
    for shop_id in ids:
        enqueue(woocommerce_stores.ensure_webhooks, shop_id, job_id=f"woocommerce-webhooks-{shop_id}-{slot}")
    return len(ids)


def forget_pending_connects() -> int:
    """Delete used and expired WooCommerce connect nonces (anyone can make one)."""
    return in_transaction(lambda session: woocommerce_stores.forget_pending_connects(session, utcnow()))


def refresh_expiring_tokens() -> int:
    """Refresh OAuth offline tokens that expire within 30 minutes."""
    state = services()
    return shopify_tokens.refresh_expiring_tokens(state.db, state.config, services().box)


def beat() -> int:
    """The scheduler's heartbeat: the periodic jobs run (GET /healthz reports how long ago)."""
    in_transaction(lambda session: periodic_marks.write(session, periodic_marks.HEARTBEAT, utcnow()))
    return 1


PRUNE_BATCH = 1000


def _in_batches(prune_batch: Callable[[Session], int]) -> int:
    """Run `prune_batch` (up to PRUNE_BATCH rows, one transaction each) until it finds no more."""
    total = 0
    while (pruned := in_transaction(prune_batch)) > 0:
        total += pruned
        if pruned < PRUNE_BATCH:
            break
    return total


def prune_webhook_bodies() -> int:
    """Blank the stored bodies no longer needed: processed and ignored deliveries older than
    WEBHOOK_RETENTION_DAYS, and a shop's ignored deliveries beyond its newest
    inbox.IGNORED_BODIES_KEPT. The rows stay: they recognise a repeated delivery. Returns how many."""
    state = services()
    cutoff = utcnow() - timedelta(days=state.config.webhook_retention_days)
    with state.db.session() as session:
        through = periodic_marks.read(session, inbox.PRUNED_THROUGH)
        over_cap = inbox.shops_over_ignored_cap(session, cutoff)
    # From where the last run stopped (a day earlier), not from the start: pruned rows stay.
    since = through - inbox.LOOK_BACK if through is not None else None
    pruned = _prune_expired(cutoff, since)
    in_transaction(lambda session: periodic_marks.write(session, inbox.PRUNED_THROUGH, cutoff))
    for platform, shop_key in over_cap:
        pruned += _in_batches(partial(_prune_ignored, platform=platform, shop_key=shop_key))
    if pruned:
        log.info("blanked %d stored webhook bodies", pruned)
    return pruned


def _prune_expired(cutoff: datetime, since: datetime | None) -> int:
    """Batch after batch, each starting where the previous one ended (not again from the oldest)."""
    total = 0
    while True:
        pruned, last = in_transaction(partial(inbox.prune_expired, before=cutoff, since=since, limit=PRUNE_BATCH))
        total += pruned
        if pruned < PRUNE_BATCH:
            return total
        since = last


def _prune_ignored(session: Session, platform: str, shop_key: str) -> int:
    return inbox.prune_ignored_beyond_cap(session, platform, shop_key, PRUNE_BATCH)


def prune_notifications() -> int:
    """Forget domain events and their deliveries older than 90 days (none pending), in batches."""
    before = utcnow() - notifications.KEEP
    return _in_batches(lambda session: notifications.prune(session, before, PRUNE_BATCH))


# (job, seconds between runs). Every job is idempotent: a second scheduler does no harm.
SCHEDULE: list[tuple[Callable[[], int], int]] = [
    (beat, periodic_marks.BEAT_EVERY),
    (sweep, 60),
    (vest, 300),
    (flush_outbox, 60),
    (reconcile_shops, 900),
    (refresh_expiring_tokens, 300),
    (check_woocommerce_webhooks, 900),
    (forget_pending_connects, 3600),
    (expire_points, 3600),
    (credit_birthdays, 3600),
    (recalculate_tiers, 3600),
    (analytics_jobs.refresh_recent, 300),
    (analytics_jobs.refresh_snapshots, 3600),
    (prune_webhook_bodies, 600),
    (pay_referrals, 300),
    (prune_referral_clicks, 3600),
    (deliver_due, 60),  # emails and webhooks: events never fanned out, retries whose time has come
    (prune_notifications, 3600),
]

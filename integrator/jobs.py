"""Background work: RQ on Redis when REDIS_URL is set, inline otherwise. Enqueueing, job ids and
the retry policy live here; jobs take ids, open their own transaction and are safe to run twice."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import or_, select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from connectors.base import Connector, PayloadError
from integrator import events, outbox, reconciliation
from integrator.loyalty import orders, store_credit
from integrator.loyalty.models import Shop, WebhookEvent, utcnow
from integrator.platforms import NotConnected, RefreshOnUnauthorized, connector_for
from integrator.services import services

log = logging.getLogger(__name__)

QUEUE = "setia"
MAX_ATTEMPTS = 6
BASE_BACKOFF = timedelta(seconds=30)
SWEEP_AFTER = timedelta(minutes=2)
TRANSACTION_RETRIES = 5

T = TypeVar("T")
# Errors the same body causes every time: a value out of a column's range or type (PostgreSQL's
# DataError, SQLite's OverflowError for an integer over 64 bits) or text that is not UTF-8.
UNSTORABLE = (DataError, OverflowError, UnicodeEncodeError)


def redis_connection() -> Redis | None:
    """Redis for enqueueing on the request path: short timeouts and no retries, so that a Redis
    outage costs a request milliseconds, not Shopify's 5-second budget (DESIGN.md)."""
    state = services()
    if state.config.redis_url is None:
        return None
    if state.queue_redis is None:
        state.set_queue_redis(
            Redis.from_url(
                state.config.redis_url,
                socket_timeout=0.5,
                socket_connect_timeout=0.5,
                retry=None,
                health_check_interval=0,
            )
        )
    return state.queue_redis


def enqueue(func: Callable[..., Any], *args: Any, job_id: str | None = None) -> bool:
    """Run `func(*args)` in a worker (Redis) or right now (inline). False when Redis refused it;
    the caller's data is already stored and the sweeper will find it."""
    connection = redis_connection()
    if connection is None:
        try:
            func(*args)
        except Exception:
            log.exception("inline job %s%r failed", func.__name__, args)
        return True
    from rq import Queue

    try:
        Queue(QUEUE, connection=connection).enqueue(
            func, *args, job_id=job_id, result_ttl=60, failure_ttl=7 * 86400, job_timeout=300
        )
    except RedisError as exc:
        log.warning("could not enqueue %s%r: %s (the sweeper will pick it up)", func.__name__, args, exc)
        return False
    return True


# Deliveries waiting for a worker, in arrival order. One RQ job per delivery costs ~50 Redis
# commands (job hash, registries, status) and dominated the worker's time: instead the request
# pushes the event id here, and a `drain_inbox` job takes them out in batches.
INBOX_KEY = "setia:inbox"
# Set while a drain job is scheduled (expires after DRAIN_EVERY_MS, so that under load a new drain
# job is scheduled that often and every worker joins in).
DRAIN_FLAG = "setia:inbox:drain-scheduled"
DRAIN_EVERY_MS = 200
DRAIN_BATCH = 100
DRAIN_SECONDS = 50.0


def notify(event_id: int) -> bool:
    """A delivery was stored: process it inline, or hand it to the workers through the inbox list.
    False when Redis refused it (the sweeper will find the stored delivery)."""
    connection = redis_connection()
    if connection is None:
        enqueue(process_event, event_id)
        return True
    try:
        pipe = connection.pipeline(transaction=False)
        pipe.rpush(INBOX_KEY, event_id)
        pipe.set(DRAIN_FLAG, 1, nx=True, px=DRAIN_EVERY_MS)
        _, scheduled = pipe.execute()
    except RedisError as exc:
        log.warning("could not queue event %s: %s (the sweeper will pick it up)", event_id, exc)
        return False
    return enqueue(drain_inbox) if scheduled else True


def drain_inbox() -> int:
    """Process queued deliveries in batches until the inbox is empty (or DRAIN_SECONDS passed, then
    hand over to a new job). Returns how many it processed."""
    connection = redis_connection()
    if connection is None:
        return 0
    started, done = time.monotonic(), 0
    while time.monotonic() - started < DRAIN_SECONDS:
        ids = connection.lpop(INBOX_KEY, DRAIN_BATCH)
        if not ids:
            # Clear the flag so the next delivery schedules a job, then look once more: one pushed
            # between our empty LPOP and the DEL saw the flag still set and scheduled nothing.
            connection.delete(DRAIN_FLAG)
            if connection.llen(INBOX_KEY) and connection.set(DRAIN_FLAG, 1, nx=True, px=DRAIN_EVERY_MS):
                continue
            return done
        for raw in ids:
            process_event(int(raw))
            done += 1
    enqueue(drain_inbox)
    return done


def in_transaction(work: Callable[[Session], T]) -> T:
    """Run `work` in a transaction, again on a conflict with a concurrent one (unique key taken,
    serialisation failure, deadlock, busy database)."""
    db = services().db
    for attempt in range(TRANSACTION_RETRIES):
        try:
            with db.session() as session:
                return work(session)
        except (IntegrityError, OperationalError) as exc:
            if attempt == TRANSACTION_RETRIES - 1:
                raise
            log.info("transaction conflict, retrying: %s", exc.__class__.__name__)
            time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))  # noqa: S311 (jitter, not crypto)
    raise AssertionError("unreachable")


def backoff(attempts: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min, ~2 h between attempts."""
    return BASE_BACKOFF * (4 ** max(attempts - 1, 0))


def retry_due(first_at: datetime, attempts: int, now: datetime) -> bool:
    """Whether a platform call made `attempts` times since `first_at` may be tried again now (the
    same backoff as deliveries, counted from the first attempt: the rows keep no last-attempt time)."""
    if attempts >= MAX_ATTEMPTS:
        return False
    waited = sum((backoff(n) for n in range(1, attempts + 1)), timedelta())
    return now >= first_at + waited


def _connect(shop: Shop) -> Connector | None:
    state = services()
    try:
        client = connector_for(state.config, services().box, shop)
    except NotConnected as exc:
        log.info("shop %s not connected: %s", shop.id, exc)
        return None
    return cast(Connector, RefreshOnUnauthorized(state.config, services().box, shop, client))


def reach() -> outbox.Reach:
    state = services()
    return outbox.Reach(state.db, in_transaction, _connect, state.config, MAX_ATTEMPTS)


def follow_up(shop_id: int, outcome: orders.Outcome | None, store_credit_enabled: bool) -> None:
    """After a commit: make the coupon an order recorded, move the cashback it made available."""
    if outcome is None:
        return
    if outcome.coupon_id is not None:
        enqueue(push_coupon, outcome.coupon_id)
    if store_credit_enabled and outcome.cashback > 0 and outcome.member_id is not None:
        enqueue(transfer_cashback, shop_id, outcome.member_id)


# --- jobs ---------------------------------------------------------------------------------------


def process_event(event_id: int) -> str:
    """Apply one stored delivery, then enqueue what it left to do. Returns its final status."""

    def work(session: Session) -> tuple[str, int, orders.Outcome | None, bool]:
        event = session.execute(
            select(WebhookEvent).where(WebhookEvent.id == event_id).with_for_update(key_share=True)
        ).scalar_one_or_none()
        if event is None or event.status in ("processed", "ignored", "failed"):
            return (event.status if event else "missing"), 0, None, False
        shop = session.get(Shop, event.shop_id) if event.shop_id else None
        outcome, shop_id, credit = None, 0, False
        if shop is None or not events.accepts(shop, event.platform, event.topic):
            event.status = "ignored"
        else:
            shop_id, credit = shop.id, store_credit.enabled(shop)
            # No autoflush: each query in between would write the order row again (three UPDATEs
            # of it per delivery); the changes are written once, at commit.
            with session.no_autoflush:
                outcome = events.handle(session, shop, event, _connect)
            event.status = "processed"
        event.attempts += 1
        event.processed_at = utcnow()
        event.last_error = None
        event.next_attempt_at = None
        return event.status, shop_id, outcome, credit

    try:
        status, shop_id, outcome, credit = in_transaction(work)
    except PayloadError as exc:
        return _record_failure(event_id, str(exc), final=True)
    except UNSTORABLE as exc:
        # The mapping refuses what it knows no column can hold; whatever still gets past it is
        # refused by the database the same way at every attempt: retrying cannot help.
        log.warning("event %s holds a value the database cannot store: %s", event_id, exc)
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return _record_failure(event_id, f"a value the database cannot store: {reason}", final=True)
    except Exception as exc:
        log.exception("event %s failed", event_id)
        return _record_failure(event_id, f"{exc.__class__.__name__}: {exc}", final=False)
    follow_up(shop_id, outcome, credit)
    return status


def _record_failure(event_id: int, reason: str, final: bool) -> str:
    def work(session: Session) -> str:
        event = session.get(WebhookEvent, event_id)
        if event is None:
            return "missing"
        event.attempts += 1
        event.last_error = reason[:2000]
        if final or event.attempts >= MAX_ATTEMPTS:
            event.status = "failed"
            event.next_attempt_at = None
        else:
            event.status = "retrying"
            event.next_attempt_at = utcnow() + backoff(event.attempts)
        return event.status

    return in_transaction(work)


def due_events(session: Session, now: datetime, limit: int = 1000) -> list[int]:
    """Deliveries stored but not processed a while after arrival, and retries whose time has come."""
    query = (
        select(WebhookEvent.id)
        .where(
            or_(
                (WebhookEvent.status == "received") & (WebhookEvent.received_at <= now - SWEEP_AFTER),
                (WebhookEvent.status == "retrying") & (WebhookEvent.next_attempt_at <= now),
            )
        )
        .order_by(WebhookEvent.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def retry_failed(event_ids: list[int] | None = None) -> int:
    """Put failed deliveries back in the queue (all of them, or the given ids)."""

    def work(session: Session) -> list[int]:
        query = select(WebhookEvent).where(WebhookEvent.status.in_(("failed", "retrying")))
        if event_ids:
            query = query.where(WebhookEvent.id.in_(event_ids))
        rows = list(session.execute(query).scalars())
        for event in rows:
            event.status = "received"
            event.attempts = 0
            event.next_attempt_at = None
        return [event.id for event in rows]

    ids = in_transaction(work)
    for event_id in ids:
        enqueue(process_event, event_id)
    return len(ids)


# --- platform side effects and reconciliation (integrator/outbox.py, integrator/reconciliation.py) ---


def push_coupon(coupon_id: int) -> str:
    """Make a pending coupon on its store."""
    return outbox.push_coupon(reach(), coupon_id)


def transfer_cashback(shop_id: int, member_id: int) -> str:
    """Move a member's available cashback to the store's store credit."""
    return outbox.transfer_cashback(reach(), shop_id, member_id)


def push_transfer(transfer_id: int) -> str:
    """Try a pending store credit transfer again."""
    return outbox.push_transfer(reach(), transfer_id)


def reconcile_shop(shop_id: int) -> int:
    """Pull one shop's recently updated orders (and, for custom apps, restore its webhooks)."""
    run = reconciliation.reconcile_shop(reach(), shop_id, utcnow())
    if run is None:
        return 0
    for outcome in run.outcomes:
        follow_up(shop_id, outcome, run.store_credit)
    return run.pulled

"""The queue mechanics: RQ on Redis when REDIS_URL is set, inline otherwise. Enqueueing, whether
workers claim deliveries from the database, transactions retried on conflicts, and the retry policy.
The job functions themselves are in integrator/jobs.py; the worker loop in integrator/worker.py."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

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


def claims_from_database() -> bool:
    """Whether workers claim stored deliveries straight from the database (PostgreSQL with Redis:
    FOR UPDATE SKIP LOCKED, integrator/worker.py), so that a request hands nothing to Redis. SQLite
    has no SKIP LOCKED: there a delivery is one RQ job (or runs inline without Redis)."""
    state = services()
    return state.config.redis_url is not None and state.db.engine.dialect.name == "postgresql"


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

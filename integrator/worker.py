"""`flask --app wsgi jobs worker`: the RQ worker (coupons, store credit, reconciliation, periodic
jobs) and, on PostgreSQL, a thread that claims stored deliveries straight from the database.

A request stores its delivery and answers: it makes no round trip to Redis (integrator/jobs.notify).
Each worker process claims the oldest unclaimed delivery with FOR UPDATE SKIP LOCKED and applies it
in the same transaction (integrator/jobs.process_next_received): two workers never take the same
one, and a worker that dies mid-way leaves the row as it was, for the next. An idle claimer looks
again after IDLE_WAITS (at most 0.2 s between looks: a few cheap index probes a second)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from redis import Redis
from rq import Queue, SimpleWorker

from integrator import jobs
from integrator.queue import QUEUE, claims_from_database

log = logging.getLogger(__name__)

IDLE_WAITS = (0.02, 0.05, 0.1, 0.2)  # seconds, growing while there is nothing to claim
FAILURE_WAIT = 1.0  # after the claim itself failed (database unreachable): try again later


def drain_received(stop: threading.Event | None = None) -> int:
    """Claim and apply deliveries until none is left to claim (or `stop` is set). How many."""
    done = 0
    while stop is None or not stop.is_set():
        if jobs.process_next_received() is None:
            break
        done += 1
    return done


def _claim_forever(stop: threading.Event, sleep: Callable[[float], bool]) -> None:
    idle = 0
    while not stop.is_set():
        try:
            done = drain_received(stop)
        except Exception:
            log.exception("claiming deliveries failed; trying again in %.0f s", FAILURE_WAIT)
            sleep(FAILURE_WAIT)
            continue
        idle = 0 if done else min(idle + 1, len(IDLE_WAITS) - 1)
        sleep(IDLE_WAITS[idle])


def run(connection: Redis, burst: bool) -> None:
    """The worker. `burst`: until there is nothing left to do (deliveries and jobs), then return."""
    rq = SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection)
    if not claims_from_database():
        rq.work(burst=burst, logging_level="WARNING")
        return
    if burst:
        while True:
            claimed = drain_received()
            ran = rq.work(burst=True, logging_level="WARNING")  # follow-ups the deliveries enqueued
            if not claimed and not ran:
                return
    stop = threading.Event()
    claimer = threading.Thread(target=_claim_forever, args=(stop, stop.wait), name="setia-claimer", daemon=True)
    claimer.start()
    try:
        rq.work(burst=False, logging_level="WARNING")
    finally:
        stop.set()
        claimer.join(timeout=30)  # the delivery in hand finishes (or, killed, rolls back)

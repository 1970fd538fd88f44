"""The scheduler of the periodic jobs (Procfile `worker`, `make worker`): rq's CronScheduler enqueues
periodic.SCHEDULE on the queue, and this loop keeps it running through Redis outages.

`rq cron` exits on the first ConnectionError and never comes back, while the workers reconnect and
/healthz looks fine: the sweeper, outbox, vesting and reconciliation would stop for good. Here an
outage is logged and tried again after 1 s, 2 s, 4 s ... (at most a minute), with the same schedule:
what came due meanwhile is enqueued once Redis answers. The jobs themselves record the heartbeat
(periodic.beat) that /healthz reports."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress

from redis import Redis
from redis.exceptions import RedisError
from rq.cron import CronScheduler

from integrator.queue import QUEUE

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0


class ResilientCronScheduler(CronScheduler):
    """A CronScheduler whose loop survives Redis outages and stops when `stop` is set."""

    def __init__(self, connection: Redis, stop: threading.Event) -> None:
        super().__init__(connection=connection, logging_level=logging.INFO)
        self.stop = stop

    def tick(self) -> float:
        """Enqueue what is due, beat in rq's registry; seconds until the next job is due."""
        if self.enqueue_jobs():
            self.save()  # the jobs' last run times, for rq's monitoring
        self.heartbeat()
        return self.calculate_sleep_interval()

    def run(self) -> None:
        registered, wait = False, FIRST_WAIT
        while not self.stop.is_set():
            try:
                if not registered:
                    self.register_birth()
                    registered = True
                pause, wait = self.tick(), FIRST_WAIT
            except RedisError as exc:
                log.warning("scheduler: Redis unreachable (%s); trying again in %.0f s", exc, wait)
                pause, wait = wait, min(wait * 2, LONGEST_WAIT)
            except Exception:  # a bug in one tick must not stop the periodic jobs for good either
                log.exception("scheduler: tick failed; trying again in %.0f s", wait)
                pause, wait = wait, min(wait * 2, LONGEST_WAIT)
            self.stop.wait(pause)
        if registered:
            with suppress(RedisError):
                self.register_death()


def build(
    connection: Redis, schedule: list[tuple[Callable[[], int], int]], stop: threading.Event
) -> ResilientCronScheduler:
    scheduler = ResilientCronScheduler(connection, stop)
    for job, seconds in schedule:
        scheduler.register(job, QUEUE, interval=seconds)
    return scheduler


def connect(redis_url: str) -> Redis:
    """Timeouts, so that a Redis that hangs instead of refusing is an outage too, not a stuck loop."""
    return Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30)

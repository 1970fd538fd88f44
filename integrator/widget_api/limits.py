"""Fixed-window rate limits for the shopper-facing API: counted in Redis when REDIS_URL is set (shared
by every web process), in this process otherwise. A Redis outage lets requests through (fail open):
a storefront widget matters more than a counter."""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

MAX_LOCAL_KEYS = 50_000


@dataclass(frozen=True)
class Limit:
    name: str
    requests: int
    window: int  # seconds


class RateLimiter:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()
        self._warned_at = 0.0

    def hit(self, limit: Limit, key: str, redis: Redis | None, now: float | None = None) -> int | None:
        """Count one request for `key`. None when it is allowed; otherwise the seconds until the
        window ends (the Retry-After)."""
        now = time.time() if now is None else now
        window = int(now // limit.window)
        count = self._local(limit, key, window) if redis is None else self._redis(redis, limit, key, window)
        if count is None or count <= limit.requests:
            return None
        return max(1, math.ceil((window + 1) * limit.window - now))

    def _local(self, limit: Limit, key: str, window: int) -> int:
        with self._lock:
            if len(self._counts) > MAX_LOCAL_KEYS:
                self._counts = {k: v for k, v in self._counts.items() if k[2] >= window}
            slot = (limit.name, key, window)
            self._counts[slot] = self._counts.get(slot, 0) + 1
            return self._counts[slot]

    def _redis(self, redis: Redis, limit: Limit, key: str, window: int) -> int | None:
        # The window is in the key name, so EXPIRE can be repeated harmlessly after every INCR.
        name = f"setia:ratelimit:{limit.name}:{key}:{window}"
        try:
            pipe = redis.pipeline(transaction=False)
            pipe.incr(name)
            pipe.expire(name, limit.window + 1)
            count, _ = pipe.execute()
        except RedisError as exc:
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                log.warning("rate limits not counted, Redis unavailable: %s", exc)
            return None
        return int(count)

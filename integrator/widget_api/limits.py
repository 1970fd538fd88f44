"""Rate limits of the shopper-facing API (widget API and Shopify app proxy), with Flask-Limiter:
counted in Redis when REDIS_URL is set (shared by every web process), in this process otherwise.

- per client address, on every widget API request before any database work;
- per shopper, only once the shopper's signature is good (nobody can spend another shopper's
  allowance), one allowance shared by the widget API and the app proxy.

A Redis outage must neither break nor slow a storefront: short socket timeouts, no retries, errors
swallowed, and after the first failure the counts move to this process's memory (never stricter
than the shared count would be) until Redis answers again."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded

from integrator.http_errors import json_error
from integrator.services import services, services_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    requests: int
    window: int  # seconds

    def as_text(self) -> str:
        # Always "per N second": limits of equal granularity are checked in the order they were
        # registered, so the per-client limit comes first and a refused flood costs no database work.
        return f"{self.requests} per {self.window} second"


# Generous per client address: shoppers behind one carrier NAT share it. Override with
# app.config["WIDGET_RATE_LIMITS"] (same keys).
DEFAULT_LIMITS = {"client": Limit("client", 300, 60), "shopper": Limit("shopper", 60, 60)}
METHODS = ["GET", "HEAD", "POST"]  # HEAD runs the GET view; preflights (OPTIONS) are not counted
# Flask-Limiter checks every request of the app (about 40 µs each, measured on webhook deliveries,
# docs/performance.md). Webhook deliveries have no limit (a platform must never be refused) and are
# the hot path: the check skips their blueprints (create_app names them: each platform's webhook
# view). Every other blueprint is checked, so a new limit cannot be missed.
# The request path never waits on Redis (DESIGN.md): a hung Redis costs one request 0.2 s, once.
STORAGE_OPTIONS: dict[str, Any] = {
    "socket_timeout": 0.2,
    "socket_connect_timeout": 0.2,
    "retry": None,
    "health_check_interval": 0,
}


def _limit_text(kind: str) -> Callable[[], str]:
    def current() -> str:
        limit: Limit = current_app.config.get("WIDGET_RATE_LIMITS", DEFAULT_LIMITS)[kind]
        return limit.as_text()

    return current


def _client_address() -> str:
    return request.remote_addr or "unknown"


def init_limits(app: Flask, redis_url: str | None, unlimited_blueprints: frozenset[str] = frozenset()) -> Limiter:
    """One Limiter per app (services().limiter), with the widget API's limits; the
    app proxy adds its own with `shopper_limit`. RATELIMIT_STORAGE_URI in app.config overrides
    where the counts live (tests point it at a Redis that is down)."""
    from . import bp
    from .access import client_key, shopper_key

    storage = app.config.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://"
    limiter = Limiter(
        key_func=_client_address,
        storage_uri=storage,
        storage_options=dict(STORAGE_OPTIONS) if storage.startswith("redis") else {},
        strategy="fixed-window",
        key_prefix="setia",
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        headers_enabled=False,
    )
    app_hooks = app.before_request_funcs.setdefault(None, [])
    before = list(app_hooks)
    limiter.init_app(app)
    _skip_unlimited_blueprints(app, [hook for hook in app_hooks if hook not in before], unlimited_blueprints)
    services_of(app).set_limiter(limiter)
    client_limit(limiter, bp, client_key)
    shopper_limit(limiter, bp, shopper_key)
    return limiter


def _skip_unlimited_blueprints(app: Flask, hooks: list[Callable[[], Any]], unlimited: frozenset[str]) -> None:
    """Wrap the check Flask-Limiter added before every request of the app, in its place, so that it
    skips the unlimited blueprints."""
    app_hooks = app.before_request_funcs[None]
    for hook in hooks:
        app_hooks[app_hooks.index(hook)] = _skipping_unlimited(hook, unlimited)


def _skipping_unlimited(hook: Callable[[], Any], unlimited: frozenset[str]) -> Callable[[], Any]:
    def check_limits() -> Any:
        if request.blueprint in unlimited:
            return None
        return hook()

    return check_limits


def client_limit(limiter: Limiter, blueprint: Blueprint, key: Callable[[], str]) -> None:
    limiter.shared_limit(_limit_text("client"), scope="client", key_func=key, methods=METHODS)(blueprint)


def shopper_limit(limiter: Limiter, blueprint: Blueprint, key: Callable[[], str | None]) -> None:
    """`key` gives "<public_id>:<customer>" for a shopper whose signature is good, None otherwise
    (then the request is not counted; the view answers 401)."""
    limiter.shared_limit(
        _limit_text("shopper"),
        scope="shopper",
        key_func=lambda: key() or "",
        exempt_when=lambda: key() is None,
        methods=METHODS,
    )(blueprint)


def retry_after() -> int:
    """Seconds until the refused limit's window ends."""
    limiter: Limiter = services().limiter
    current = limiter.current_limit
    try:
        # The window's own end (RequestLimit.reset_at adds a second to it).
        reset_at = float(current.window[0]) if current is not None else time.time() + 60
    except Exception:  # the storage went away between the count and this read
        log.warning("rate limit window unknown", exc_info=True)
        reset_at = time.time() + 60
    return max(1, math.ceil(reset_at - time.time()))


def too_many(_: RateLimitExceeded) -> Response:
    """The 429 both blueprints answer; the view never ran, so nothing changed."""
    seconds = retry_after()
    response = json_error(429, "too many requests", {"retry_after": seconds})
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response

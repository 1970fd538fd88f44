"""One-time, short-lived login links for the merchant pages outside Shopify (`shops login-link`).

A link is a signed, timestamped token naming the shop and a random id. Single use: the id is
remembered until the link would have expired anyway, in Redis when REDIS_URL is set (shared by every
web process) and otherwise in this process's memory, which is exact for the one-process development
server `make run` starts and is why production sets REDIS_URL."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from redis import Redis
from redis.exceptions import RedisError

LINK_MAX_AGE = 15 * 60
SALT = "setia-login-link"


class LinkRefused(Exception):
    """The link is forged, expired or already used (`kind`: "invalid", "used" or "unavailable")."""

    def __init__(self, message: str, kind: str = "invalid") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class LoginLink:
    shop_id: int
    link_id: str


def issue(secret_key: str, shop_id: int) -> str:
    """A new token for the URL APP_URL/admin/login/<token>."""
    payload = {"shop": shop_id, "id": secrets.token_urlsafe(16)}
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps(payload)


class UsedLinks:
    """The ids of links already used, for as long as those links would be valid (and, under their own
    keys, the cookie sessions ended by logging out, for as long as those cookies would be valid)."""

    def __init__(self) -> None:
        self._memory: dict[str, float] = {}
        self._lock = threading.Lock()

    def claim(self, link_id: str, redis: Redis | None, ttl: int = LINK_MAX_AGE + 60) -> bool:
        """True the first time an id is claimed, False ever after (for `ttl` seconds)."""
        if redis is not None:
            try:
                return bool(redis.set(f"setia:login-link:{link_id}", 1, nx=True, ex=ttl))
            except RedisError as exc:
                raise LinkRefused(f"cannot check the link right now: {exc}", "unavailable") from exc
        now = time.monotonic()
        with self._lock:
            for key in [key for key, until in self._memory.items() if until < now]:
                del self._memory[key]
            if link_id in self._memory:
                return False
            self._memory[link_id] = now + ttl
            return True

    def claimed(self, link_id: str, redis: Redis | None) -> bool:
        """Whether an id has been claimed (and not yet forgotten). Redis down: claimed (fail closed)."""
        if redis is not None:
            try:
                return bool(redis.exists(f"setia:login-link:{link_id}"))
            except RedisError:
                return True
        with self._lock:
            return self._memory.get(link_id, 0.0) >= time.monotonic()


def redeem(secret_key: str, token: str, used: UsedLinks, redis: Redis | None) -> LoginLink:
    """The shop a link signs into, once; LinkRefused for a forged, expired or used link."""
    try:
        payload = URLSafeTimedSerializer(secret_key, salt=SALT).loads(token, max_age=LINK_MAX_AGE)
    except BadSignature as exc:
        raise LinkRefused("this link is invalid or has expired") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("shop"), int) or not payload.get("id"):
        raise LinkRefused("this link is invalid")
    if not used.claim(str(payload["id"]), redis):
        raise LinkRefused("this link has already been used", "used")
    return LoginLink(shop_id=payload["shop"], link_id=str(payload["id"]))

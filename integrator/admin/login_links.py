"""One-time, short-lived login links for the merchant pages outside Shopify (`shops login-link`).

A link is a signed, timestamped token naming the shop and a random id. Single use whatever the
deployment (one process or many, with or without Redis): the id is written to the database table
`used_login_links` when the link is used, and kept until the link would have expired anyway; each
new row prunes the expired ones, so the table holds at most the links of the last quarter hour (and
the sessions ended by logging out in the last eight hours)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

from integrator.db import Database
from integrator.loyalty.models import UsedLoginLink, utcnow

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

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, link_id: str, ttl: int = LINK_MAX_AGE + 60) -> bool:
        """True the first time an id is claimed, False ever after (for `ttl` seconds): the primary
        key decides, so two processes claiming at once cannot both win."""
        now = utcnow()
        try:
            with self.db.session() as session:
                session.execute(delete(UsedLoginLink).where(UsedLoginLink.expires_at < now))
                session.add(UsedLoginLink(link_id=link_id[:64], expires_at=now + timedelta(seconds=ttl)))
        except IntegrityError:
            return False
        except OperationalError as exc:
            raise LinkRefused(f"cannot check the link right now: {exc}", "unavailable") from exc
        return True

    def claimed(self, link_id: str) -> bool:
        """Whether an id has been claimed (and not yet forgotten). Database down: claimed (fail closed)."""
        try:
            with self.db.session() as session:
                until = session.execute(
                    select(UsedLoginLink.expires_at).where(UsedLoginLink.link_id == link_id[:64])
                ).scalar_one_or_none()
        except OperationalError:
            return True
        return until is not None and until >= utcnow()


def read(secret_key: str, token: str) -> LoginLink:
    """The shop and id a link names, without using it; LinkRefused for a forged or expired one."""
    try:
        payload = URLSafeTimedSerializer(secret_key, salt=SALT).loads(token, max_age=LINK_MAX_AGE)
    except BadSignature as exc:
        raise LinkRefused("this link is invalid or has expired") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("shop"), int) or not payload.get("id"):
        raise LinkRefused("this link is invalid")
    return LoginLink(shop_id=payload["shop"], link_id=str(payload["id"]))


def unused(secret_key: str, token: str, used: UsedLinks) -> LoginLink:
    """The link, when it may still be used; LinkRefused otherwise. Nothing is claimed."""
    link = read(secret_key, token)
    if used.claimed(link.link_id):
        raise LinkRefused("this link has already been used", "used")
    return link


def redeem(secret_key: str, token: str, used: UsedLinks) -> LoginLink:
    """The shop a link signs into, once; LinkRefused for a forged, expired or used link."""
    link = read(secret_key, token)
    if not used.claim(link.link_id):
        raise LinkRefused("this link has already been used", "used")
    return link

"""A shop's merchant API keys after they are issued (integrator.loyalty.shops issues them and finds
the shop of a presented key): the list the CLI and the merchant pages show, revoking one, and when
each was last used."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .errors import NotFound
from .models import ApiKey, utcnow

# "Last used" is written at most this often per key: a busy integration costs one write a minute,
# not one per request.
LAST_USED_EVERY = timedelta(minutes=1)


def api_keys_of(session: Session, shop_id: int) -> list[ApiKey]:
    """The shop's keys, newest first, revoked ones included."""
    query = select(ApiKey).where(ApiKey.shop_id == shop_id).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    return list(session.execute(query).scalars())


def described(key: ApiKey) -> dict[str, str | None]:
    """What the CLI prints about a key (never the key: only its hash is stored)."""

    def moment(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat(timespec="seconds")

    return {
        "prefix": key.prefix,
        "created_at": moment(key.created_at),
        "last_used_at": moment(key.last_used_at),
        "revoked_at": moment(key.revoked_at),
    }


def revoke_api_key(session: Session, shop_id: int, prefix: str) -> ApiKey:
    """Revoke the shop's key with this prefix (the first 10 characters, as listed): it answers 401
    from then on. Revoking a revoked key changes nothing. NotFound for another shop's or no key."""
    key = session.execute(
        select(ApiKey).where(ApiKey.shop_id == shop_id, ApiKey.prefix == prefix.strip()).with_for_update()
    ).scalar_one_or_none()
    if key is None or not prefix.strip():
        raise NotFound("no such API key")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
    return key


def note_key_used(session: Session, key: ApiKey, now: datetime | None = None) -> None:
    """Remember that the key was used, unless that was written less than a minute ago; the
    conditional UPDATE keeps concurrent requests to one write."""
    now = now or utcnow()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_EVERY:
        return
    session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key.id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - LAST_USED_EVERY),
        )
        .values(last_used_at=now),
        execution_options={"synchronize_session": False},
    )

"""Shops: connecting one, its API keys, and finding it again from a domain, id or key."""

from __future__ import annotations

import hashlib
import secrets
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .api_keys import note_key_used
from .errors import UnknownShop
from .models import ApiKey, Shop, utcnow


class Box(Protocol):
    def encrypt(self, text: str) -> bytes: ...

    def decrypt(self, token: bytes) -> str: ...


def find_shop(session: Session, platform: str, domain: str) -> Shop | None:
    return session.execute(select(Shop).where(Shop.platform == platform, Shop.domain == domain)).scalar_one_or_none()


def connect_shop(
    session: Session,
    box: Box,
    platform: str,
    domain: str,
    access_token: str | None,
    webhook_secret: str | None,
    install_kind: str,
) -> tuple[Shop, bool]:
    """Create the shop, or refresh its credentials when it connects again. Returns (shop, created)."""
    shop = find_shop(session, platform, domain)
    created = shop is None
    if shop is None:
        shop = Shop(
            platform=platform,
            domain=domain,
            public_id=secrets.token_hex(8),
            name=domain.split(".")[0],
            widget_secret_enc=box.encrypt(secrets.token_hex(32)),
            settings={},
            created_at=utcnow(),
        )
        session.add(shop)
    shop.access_token_enc = box.encrypt(access_token) if access_token else None
    shop.webhook_secret_enc = box.encrypt(webhook_secret) if webhook_secret else None
    shop.install_kind = install_kind
    shop.uninstalled_at = None
    session.flush()
    return shop, created


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(session: Session, shop: Shop) -> str:
    """A new merchant API key; only its hash is stored, the key is returned once."""
    key = "sk_" + secrets.token_urlsafe(32)
    session.add(ApiKey(shop_id=shop.id, key_hash=_hash(key), prefix=key[:10], created_at=utcnow()))
    session.flush()
    return key


def shop_for_api_key(session: Session, key: str) -> Shop | None:
    """The shop a presented key belongs to. The lookup is by hash; comparing hashes of a
    256-bit secret leaks nothing useful through timing."""
    row = session.execute(
        select(ApiKey).where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        return None
    note_key_used(session, row)
    return session.get(Shop, row.shop_id)


def record_widget_seen(session: Session, shop: Shop) -> None:
    """The storefront widget has called the widget API: remembered once per shop (the onboarding
    checklist). Writes only while `widget_seen_at` is NULL, so a busy widget costs no write per request."""
    if shop.widget_seen_at is not None:
        return
    now = utcnow()
    session.execute(
        update(Shop).where(Shop.id == shop.id, Shop.widget_seen_at.is_(None)).values(widget_seen_at=now),
        execution_options={"synchronize_session": False},
    )
    shop.widget_seen_at = now


def resolve_shop(session: Session, ref: str) -> Shop:
    """A shop from the CLI's SHOP argument: an id, a domain or a store URL."""
    if ref.isascii() and ref.isdigit() and len(ref) < 19:
        shop = session.get(Shop, int(ref))
    else:
        value = ref.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
        # A WooCommerce store's domain is its whole URL, scheme included.
        domains = (value, f"https://{value}", f"http://{value}")
        shop = session.execute(select(Shop).where(Shop.domain.in_(domains)).order_by(Shop.id)).scalars().first()
    if shop is None:
        raise UnknownShop(f"no shop {ref!r}")
    return shop

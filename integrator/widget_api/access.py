"""Who is asking the widget API: the shop named by the URL's public id, and the shopper its signed
identity vouches for. Both are worked out once per request (kept on `g`): the rate limiter reads
them before the view does. Kept in the request's environ, not on `g`: an app context (and its `g`)
may outlive one request (tests keep one open around many)."""

from __future__ import annotations

import time
from typing import Any

from flask import request
from sqlalchemy import select

from integrator.loyalty.errors import UnknownShop
from integrator.loyalty.models import Shop
from integrator.services import services

from .identity import InvalidIdentity, verify_shopper


def public_id() -> str:
    return str((request.view_args or {}).get("public_id", ""))


def remembered() -> dict[str, Any]:
    """What this request has worked out already."""
    memo: dict[str, Any] = request.environ.setdefault("setia.widget", {})
    return memo


def find_widget_shop() -> Shop | None:
    """The connected shop of this URL (detached from its session), or None."""
    memo = remembered()
    if "shop" not in memo:
        with services().db.session() as session:
            shop = session.execute(select(Shop).where(Shop.public_id == public_id())).scalar_one_or_none()
            if shop is not None and shop.uninstalled_at is not None:
                shop = None
            if shop is not None:
                session.expunge(shop)
        memo["shop"] = shop
    found: Shop | None = memo["shop"]
    return found


def widget_shop() -> Shop:
    shop = find_widget_shop()
    if shop is None:
        raise UnknownShop("unknown shop")
    return shop


def signed_customer() -> str:
    """The platform customer id the request's `customer`, `ts` and `sig` vouch for, or InvalidIdentity."""
    memo = remembered()
    if "customer" not in memo:
        shop = widget_shop()
        secret = services().box.decrypt(shop.widget_secret_enc)
        try:
            memo["customer"] = verify_shopper(request.args, secret, int(time.time()))
        except InvalidIdentity as exc:
            memo["customer"] = exc
    if isinstance(memo["customer"], InvalidIdentity):
        raise memo["customer"]
    customer: str = memo["customer"]
    return customer


def shopper_key() -> str | None:
    """What the per-shopper limit counts: None (not counted) unless the signature is good."""
    if request.method == "OPTIONS" or find_widget_shop() is None:
        return None
    try:
        return f"{public_id()}:{signed_customer()}"
    except InvalidIdentity:
        return None


def client_key() -> str:
    # Keyed by the URL's id, not the shop row, so that unknown ids count too (and cost no query).
    return f"{public_id()}:{request.remote_addr}"

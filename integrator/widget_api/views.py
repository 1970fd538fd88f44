"""/widget/v1/<public_id>/me and /program: rate limit → identify the shop → verify the shopper →
one domain function → JSON with CORS and cache headers."""

from __future__ import annotations

import time
from typing import Any

from flask import Response, current_app, g, jsonify, request
from sqlalchemy import select

from integrator import jobs
from integrator.http_errors import json_error
from integrator.loyalty.errors import UnknownShop
from integrator.loyalty.models import Coupon, Shop
from integrator.loyalty.rewards import redeem
from integrator.loyalty.shopper import balances_of, programme_of

from . import bp, cors
from .identity import InvalidIdentity, verify_shopper
from .limits import Limit, RateLimiter

PRIVATE = "private, no-store"
PUBLIC = "public, max-age=60"
# Generous per client address: shoppers behind one carrier NAT share it. Override with
# app.config["WIDGET_RATE_LIMITS"] (same keys).
DEFAULT_LIMITS = {"client": Limit("client", 300, 60), "shopper": Limit("shopper", 60, 60)}


def _limited(kind: str, key: str) -> int | None:
    """Count a request against the `kind` limit; the Retry-After seconds when it is refused."""
    limit = current_app.config.get("WIDGET_RATE_LIMITS", DEFAULT_LIMITS)[kind]
    limiter: RateLimiter = current_app.extensions.setdefault("setia_widget_limiter", RateLimiter())
    return limiter.hit(limit, key, jobs.redis_connection())


_error = json_error


def _too_many(retry_after: int) -> Response:
    response = _error(429, "too many requests", {"retry_after": retry_after})
    response.headers["Retry-After"] = str(retry_after)
    return response


def _answer(body: dict[str, Any], cache_control: str) -> Response:
    response = jsonify(body)
    response.headers["Cache-Control"] = cache_control
    return response


def _origin_allowed(origin: str, shop: Shop) -> bool:
    allow_loopback = current_app.extensions["setia_config"].allow_private_store_urls
    return cors.origin_allowed(origin, shop.platform, shop.domain, allow_loopback)


@bp.errorhandler(InvalidIdentity)
def invalid_identity(error: InvalidIdentity) -> Response:
    return _error(401, error.message)


@bp.before_request
def identify_shop() -> Response | None:
    public_id = str((request.view_args or {}).get("public_id", ""))
    if request.method != "OPTIONS":
        # Before any database work, and keyed by the URL's id so that unknown ids count too.
        retry_after = _limited("client", f"{public_id}:{request.remote_addr}")
        if retry_after is not None:
            return _too_many(retry_after)
    with current_app.extensions["setia_db"].session() as session:
        shop = session.execute(select(Shop).where(Shop.public_id == public_id)).scalar_one_or_none()
        if shop is None or shop.uninstalled_at is not None:
            raise UnknownShop("unknown shop")
        session.expunge(shop)
    g.widget_shop = shop
    if request.method == "OPTIONS":
        origin = request.headers.get("Origin", "")
        if origin and _origin_allowed(origin, shop):
            return cors.preflight(origin)
        return _error(403, "origin not allowed")
    return None


@bp.after_request
def add_cors_headers(response: Response) -> Response:
    response.vary.add("Origin")  # `program` is cached publicly: one copy per origin
    origin = request.headers.get("Origin", "")
    shop = g.get("widget_shop")
    if origin and shop is not None and _origin_allowed(origin, shop):
        cors.allow(response, origin)
    return response


@bp.get("/<public_id>/me")
def me(public_id: str) -> Response:
    shop: Shop = g.widget_shop
    secret = current_app.extensions["setia_box"].decrypt(shop.widget_secret_enc)
    customer = verify_shopper(request.args, secret, int(time.time()))
    # Counted only once the signature is good: nobody can spend another shopper's allowance.
    retry_after = _limited("shopper", f"{public_id}:{customer}")
    if retry_after is not None:
        return _too_many(retry_after)
    with current_app.extensions["setia_db"].session() as session:
        return _answer(balances_of(session, shop, customer), PRIVATE)


@bp.get("/<public_id>/program")
def program(public_id: str) -> Response:
    with current_app.extensions["setia_db"].session() as session:
        return _answer(programme_of(session, g.widget_shop), PUBLIC)


@bp.post("/<public_id>/redemptions")
def redemptions(public_id: str) -> Response:
    """Spend points on a reward: 201 with the coupon (`active`, or `pending` while the store has not
    confirmed it), 409 when the balance is too low (nothing spent), 404 for an unknown reward."""
    shop: Shop = g.widget_shop
    secret = current_app.extensions["setia_box"].decrypt(shop.widget_secret_enc)
    customer = verify_shopper(request.args, secret, int(time.time()))
    retry_after = _limited("shopper", f"{public_id}:{customer}")
    if retry_after is not None:
        return _too_many(retry_after)
    body = request.get_json(silent=True)
    reward_id = body.get("reward_id") if isinstance(body, dict) else None
    if isinstance(reward_id, bool) or not isinstance(reward_id, int):
        return _error(422, "invalid input", {"reward_id": ["An integer reward id is required."]})
    coupon_id = jobs.in_transaction(lambda session: redeem(session, shop, customer, reward_id).id)
    jobs.enqueue(jobs.push_coupon, coupon_id)  # inline without Redis: the store is asked right away
    with current_app.extensions["setia_db"].session() as session:
        coupon = session.execute(select(Coupon).where(Coupon.id == coupon_id)).scalar_one()
        answer = {**coupon_view(coupon), "balances": balances_of(session, shop, customer)["balances"]}
    response = _answer(answer, PRIVATE)
    response.status_code = 201
    return response


def coupon_view(coupon: Coupon) -> dict[str, Any]:
    return {
        "code": coupon.code,
        "status": coupon.status,
        "kind": coupon.kind,
        "reward_id": int(coupon.source_id) if coupon.source_id else None,
        "value_type": coupon.value_type,
        "value": coupon.value,
        "expires_at": coupon.expires_at.isoformat() if coupon.expires_at else None,
    }

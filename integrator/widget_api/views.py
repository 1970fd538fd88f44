"""/widget/v1/<public_id>/...: the rate limits (limits.py) → identify the shop → verify the shopper
→ one answer (answers.py, shared with the Shopify app proxy) → CORS for the storefront."""

from __future__ import annotations

from flask import Response, g, request
from flask_limiter import RateLimitExceeded

from integrator.http_errors import json_error
from integrator.loyalty.models import Shop
from integrator.loyalty.shops import record_widget_seen
from integrator.services import services

from . import answers, bp, cors
from .access import find_widget_shop, remembered, signed_customer, widget_shop
from .identity import InvalidIdentity
from .limits import too_many


def _limited(kind: str, key: str) -> int | None:
    """Nothing left to count: the blueprint's limits (client, and shopper once the signature is
    good) have counted this request before the view ran. Kept for cashback.py."""
    return None


def _too_many(retry_after: int) -> Response:
    response = json_error(429, "too many requests", {"retry_after": retry_after})
    response.headers["Retry-After"] = str(retry_after)
    return response


def _origin_allowed(origin: str, shop: Shop) -> bool:
    allow_loopback = services().config.allow_private_store_urls
    return cors.origin_allowed(origin, shop.platform, shop.domain, allow_loopback)


bp.register_error_handler(RateLimitExceeded, too_many)


@bp.errorhandler(InvalidIdentity)
def invalid_identity(error: InvalidIdentity) -> Response:
    return json_error(401, error.message)


@bp.before_request
def identify_shop() -> Response | None:
    shop = widget_shop()  # UnknownShop → 404
    g.widget_shop = shop  # for views on this blueprint that read it (cashback.py)
    if request.method == "OPTIONS":
        origin = request.headers.get("Origin", "")
        if origin and _origin_allowed(origin, shop):
            return cors.preflight(origin)
        return json_error(403, "origin not allowed")
    if shop.widget_seen_at is None:  # the onboarding checklist's "widget seen": one write per shop, ever
        with services().db.session() as session:
            record_widget_seen(session, shop)
    return None


@bp.after_request
def add_cors_headers(response: Response) -> Response:
    response.vary.add("Origin")  # `program` is cached publicly: one copy per origin
    origin = request.headers.get("Origin", "")
    # A request the per-client limit refused before the shop was looked up stays without database
    # work (and without CORS); any other answer may be read by the storefront.
    refused_early = response.status_code == 429 and "shop" not in remembered()
    shop = find_widget_shop() if origin and not refused_early else None
    if shop is not None and _origin_allowed(origin, shop):
        cors.allow(response, origin)
    return response


@bp.get("/<public_id>/program")
def program(public_id: str) -> Response:
    return answers.program(widget_shop())


@bp.get("/<public_id>/me")
def me(public_id: str) -> Response:
    return answers.me(widget_shop(), signed_customer())


@bp.get("/<public_id>/history")
def history(public_id: str) -> Response:
    return answers.history(widget_shop(), signed_customer(), request.args)


@bp.get("/<public_id>/unboxing")
def unboxing(public_id: str) -> Response:
    return answers.unboxing(widget_shop(), signed_customer())


@bp.get("/<public_id>/codes")
def codes(public_id: str) -> Response:
    return answers.codes(widget_shop(), signed_customer())


@bp.get("/<public_id>/referral")
def referral(public_id: str) -> Response:
    return answers.referral(widget_shop(), signed_customer())


@bp.get("/<public_id>/orders/<platform_order_id>")
def order(public_id: str, platform_order_id: str) -> Response:
    return answers.order(widget_shop(), signed_customer(), platform_order_id)


@bp.post("/<public_id>/redemptions")
def redemptions(public_id: str) -> Response:
    return answers.redemption(widget_shop(), signed_customer())


@bp.get("/<public_id>/estimate")
def estimate(public_id: str) -> Response:
    """What a cart earns; the signed identity is optional (a guest sees what an account would earn),
    but one that is sent must be good."""
    signed = any(name in request.args for name in ("customer", "ts", "sig"))
    return answers.earn_estimate(widget_shop(), signed_customer() if signed else None, request.args)

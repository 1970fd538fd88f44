"""Shopify app proxy: the widget API reachable at the shop's /apps/... path, verified with
Shopify's proxy signature. Shopify forwards https://<shop>/apps/setia/<path> to
APP_URL/proxy/shopify/<path>?shop=&logged_in_customer_id=&path_prefix=&timestamp=&signature=...
The storefront calls it same-origin, so it works on the shop's own domain too (no CORS).

The shopper is whoever Shopify says is logged in; every answer is the widget API's own
(integrator/widget_api/answers.py), and the per-shopper rate limit is the same allowance."""

from __future__ import annotations

import time

from flask import Blueprint, Response, request
from flask_limiter import Limiter, RateLimitExceeded

from connectors.shopify.proxy import ProxyRequest, read_proxy_request, verify_proxy_signature
from integrator.http_errors import json_error
from integrator.loyalty.errors import UnknownShop
from integrator.loyalty.models import Shop
from integrator.loyalty.shops import find_shop, record_widget_seen
from integrator.services import services
from integrator.widget_api import answers, programme_page
from integrator.widget_api import earn as earn_answers
from integrator.widget_api.cashback import cashback_redemption
from integrator.widget_api.limits import shopper_limit, too_many

bp = Blueprint("shopify_proxy", __name__, url_prefix="/proxy/shopify")


class ProxyRefused(Exception):
    """A request Shopify did not sign (or not recently), or without the shopper it needs (401)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@bp.errorhandler(ProxyRefused)
def refused(error: ProxyRefused) -> Response:
    return json_error(401, error.message)


bp.register_error_handler(RateLimitExceeded, too_many)


def _verify() -> tuple[Shop, ProxyRequest]:
    pairs = list(request.args.items(multi=True))
    secret = services().config.shopify_api_secret or ""
    if not verify_proxy_signature(pairs, secret):
        raise ProxyRefused("invalid app proxy signature")
    proxied = read_proxy_request(pairs, int(time.time()))
    if proxied is None:
        raise ProxyRefused("stale or incomplete app proxy request")
    with services().db.session() as session:
        shop = find_shop(session, "shopify", proxied.shop)
        if shop is None or shop.uninstalled_at is not None:
            raise UnknownShop("shop not connected")
        record_widget_seen(session, shop)  # the theme extension's widget calls through the proxy
        session.expunge(shop)
    return shop, proxied


def verified() -> tuple[Shop, ProxyRequest]:
    """The connected shop and what Shopify vouches for, or ProxyRefused / UnknownShop; worked out
    once per request (the rate limiter asks first)."""
    memo = request.environ.setdefault("setia.proxy", {})
    if "verified" not in memo:
        try:
            memo["verified"] = _verify()
        except (ProxyRefused, UnknownShop) as exc:
            memo["verified"] = exc
    if isinstance(memo["verified"], Exception):
        raise memo["verified"]
    result: tuple[Shop, ProxyRequest] = memo["verified"]
    return result


def shopper() -> tuple[Shop, str]:
    shop, proxied = verified()
    if proxied.customer_id is None:
        raise ProxyRefused("not logged in")
    return shop, proxied.customer_id


def _shopper_key() -> str | None:
    """The widget API's key for the same shopper ("<public_id>:<customer>"): one allowance."""
    if request.endpoint == "shopify_proxy.unknown":
        return None
    try:
        shop, customer = shopper()
    except (ProxyRefused, UnknownShop):
        return None
    return f"{shop.public_id}:{customer}"


def register_limits(limiter: Limiter) -> None:
    shopper_limit(limiter, bp, _shopper_key)


@bp.get("/program")
def program() -> Response:
    shop, _ = verified()
    return answers.program(shop)


@bp.get("/me")
def me() -> Response:
    return answers.me(*shopper())


@bp.get("/history")
def history() -> Response:
    shop, customer = shopper()
    return answers.history(shop, customer, request.args)


@bp.get("/referral")
def referral() -> Response:
    return answers.referral(*shopper())


@bp.get("/unboxing")
def unboxing() -> Response:
    return answers.unboxing(*shopper())


@bp.get("/codes")
def codes() -> Response:
    return answers.codes(*shopper())


@bp.get("/orders/<platform_order_id>")
def order(platform_order_id: str) -> Response:
    shop, customer = shopper()
    return answers.order(shop, customer, platform_order_id)


@bp.get("/estimate")
def estimate() -> Response:
    """Shopify says who is logged in (or nobody: a guest sees what an account would earn)."""
    shop, proxied = verified()
    return answers.earn_estimate(shop, proxied.customer_id, request.args)


@bp.post("/redemptions")
def redemptions() -> Response:
    return answers.redemption(*shopper())


@bp.post("/cashback-redemptions")
def cashback_redemptions() -> Response:
    return cashback_redemption(*shopper())


@bp.get("/earn")
def earn() -> Response:
    return earn_answers.earn(*shopper())


@bp.route("/birthday", methods=["PUT", "POST"])
def birthday() -> Response:
    return earn_answers.birthday(*shopper())


@bp.post("/social/<network>")
def social(network: str) -> Response:
    shop, customer = shopper()
    return earn_answers.social(shop, customer, network)


@bp.get("/programme")
def programme() -> Response:
    """The programme page (ways to earn, rewards, FAQ) at https://<shop>/apps/setia/programme, for anyone."""
    shop, _ = verified()
    return programme_page.page(shop, proxied=True)


@bp.route("/<path:rest>", methods=["GET", "POST"])
def unknown(rest: str) -> Response:
    """Whatever else a storefront asks under /apps/setia/ gets JSON, not an HTML error page."""
    return json_error(404, "not found")

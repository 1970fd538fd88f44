"""Shopify app proxy: the widget API reachable at the shop's /apps/... path, verified with
Shopify's proxy signature. Shopify forwards https://<shop>/apps/setia/<path> to
APP_URL/proxy/shopify/<path>?shop=&logged_in_customer_id=&path_prefix=&timestamp=&signature=...
The storefront calls it same-origin, so it works on the shop's own domain too (no CORS)."""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, jsonify, request

from connectors.shopify.proxy import ProxyRequest, read_proxy_request, verify_proxy_signature
from integrator.http_errors import json_error
from integrator.loyalty.errors import UnknownShop
from integrator.loyalty.models import Shop
from integrator.loyalty.shopper import balances_of, programme_of
from integrator.loyalty.shops import find_shop

bp = Blueprint("shopify_proxy", __name__, url_prefix="/proxy/shopify")

PRIVATE = "private, no-store"
PUBLIC = "public, max-age=60"


class ProxyRefused(Exception):
    """A request Shopify did not sign (or not recently), or without the shopper it needs (401)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_error = json_error


@bp.errorhandler(ProxyRefused)
def refused(error: ProxyRefused) -> Response:
    return _error(401, error.message)


def _verified() -> tuple[Shop, ProxyRequest]:
    """The connected shop and what Shopify vouches for, or ProxyRefused / UnknownShop."""
    pairs = list(request.args.items(multi=True))
    secret = current_app.extensions["setia_config"].shopify_api_secret or ""
    if not verify_proxy_signature(pairs, secret):
        raise ProxyRefused("invalid app proxy signature")
    proxied = read_proxy_request(pairs, int(time.time()))
    if proxied is None:
        raise ProxyRefused("stale or incomplete app proxy request")
    with current_app.extensions["setia_db"].session() as session:
        shop = find_shop(session, "shopify", proxied.shop)
        if shop is None or shop.uninstalled_at is not None:
            raise UnknownShop("shop not connected")
        session.expunge(shop)
    return shop, proxied


def _answer(body: dict[str, object], cache_control: str) -> Response:
    response = jsonify(body)
    response.headers["Cache-Control"] = cache_control
    return response


@bp.get("/me")
def me() -> Response:
    shop, proxied = _verified()
    if proxied.customer_id is None:
        raise ProxyRefused("not logged in")
    with current_app.extensions["setia_db"].session() as session:
        return _answer(balances_of(session, shop, proxied.customer_id), PRIVATE)


@bp.get("/program")
def program() -> Response:
    shop, _ = _verified()
    with current_app.extensions["setia_db"].session() as session:
        return _answer(programme_of(session, shop), PUBLIC)


@bp.route("/<path:rest>", methods=["GET", "POST"])
def unknown(rest: str) -> Response:
    """Whatever else a storefront asks under /apps/setia/ gets JSON, not an HTML error page."""
    return _error(404, "not found")

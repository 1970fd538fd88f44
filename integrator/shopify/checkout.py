"""GET /checkout/shopify/orders/<order_id>: what an order earned, for Setia's Checkout UI extension on
the thank-you and order-status pages (connectors/shopify/checkout-extension/). Only Checkout UI
extensions reach those pages; they run in a web worker on https://extensions.shopifycdn.com and
authenticate with the session token Shopify signs for the app (`Authorization: Bearer <jwt>`).

The answer is the widget API's orders/<id> (integrator.loyalty.shopper.order_of), for the customer
the token names: 401 for a bad token or a shop that is not connected, 403 when the buyer is not
logged in (the token has no customer), 404 for an order Setia has not seen yet or another customer's."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from connectors.shopify.auth import InvalidSessionToken, verify_checkout_session_token
from integrator.http_errors import json_error
from integrator.loyalty import shopper
from integrator.loyalty.errors import NotFound
from integrator.loyalty.shops import find_shop
from integrator.services import services

bp = Blueprint("shopify_checkout", __name__, url_prefix="/checkout/shopify")

# Where Shopify runs checkout and customer-account UI extensions (their fetch() sends this Origin).
EXTENSION_ORIGIN = "https://extensions.shopifycdn.com"
PREFLIGHT_MAX_AGE = 600


def _allowed_origin(origin: str | None) -> str | None:
    if origin == EXTENSION_ORIGIN:
        return origin
    if (
        origin
        and services().config.allow_private_store_urls
        and origin.startswith(("http://127.0.0.1", "http://localhost"))
    ):
        return origin  # local development, as the widget API allows
    return None


@bp.after_request
def cors(response: Response) -> Response:
    """No cookies are involved (the token is a header), so the origin is all CORS needs to know."""
    origin = _allowed_origin(request.headers.get("Origin"))
    response.headers["Vary"] = "Origin"
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _error(status: int, message: str, details: object = None) -> Response:
    return json_error(status, message, details, no_store=True)


@bp.route("/orders/<order_id>", methods=["GET", "OPTIONS"])
def order(order_id: str) -> Response:
    if request.method == "OPTIONS":  # the preflight the Authorization header causes
        return Response(status=204)
    config = services().config
    header = request.headers.get("Authorization", "")
    try:
        token = verify_checkout_session_token(
            header.removeprefix("Bearer ").strip(), config.shopify_api_key or "", config.shopify_api_secret or ""
        )
    except InvalidSessionToken as exc:
        return _error(401, "invalid session token", str(exc))
    if token.customer_id is None:
        return _error(403, "no logged-in customer", "points are shown to customers who are signed in")
    with services().db.session() as session:
        shop = find_shop(session, "shopify", token.shop)
        if shop is None or shop.uninstalled_at is not None:
            return _error(401, "shop not connected")
        if not (order_id.isascii() and order_id.isdigit()) or len(order_id) > 20:
            return _error(404, "unknown order")
        try:
            answer = shopper.order_of(session, shop, token.customer_id, order_id)
        except NotFound:
            return _error(404, "unknown order")
    response = jsonify(answer)
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""/checkout/shopify/...: Setia's Checkout UI extension (connectors/shopify/checkout-extension/) on
the checkout (order summary, beside the discount field: Shopify Plus), the thank-you and the
order-status pages. Those extensions run in a web worker on https://extensions.shopifycdn.com and
authenticate with the session token Shopify signs for the app (`Authorization: Bearer <jwt>`).

Every answer is the widget API's (integrator/widget_api/answers.py) for the customer the token
names: `me`, `redemptions` (the one redemption path), `program`, `estimate` and `orders/<id>`.
401 for a bad token or a shop that is not connected, 403 when the buyer is not logged in (the token
has no customer; `program` and `estimate` answer a guest too), 404 for an order Setia has not seen
yet or another customer's. Rate-limited like the widget API, with the same per-shopper allowance."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded

from connectors.shopify.auth import InvalidSessionToken, verify_checkout_session_token
from integrator.http_errors import json_error
from integrator.loyalty import shopper
from integrator.loyalty.errors import NotFound
from integrator.loyalty.models import Shop
from integrator.loyalty.shops import find_shop
from integrator.services import services
from integrator.widget_api import answers
from integrator.widget_api.limits import client_limit, shopper_limit, too_many

bp = Blueprint("shopify_checkout", __name__, url_prefix="/checkout/shopify")

# Where Shopify runs checkout and customer-account UI extensions (their fetch() sends this Origin).
EXTENSION_ORIGIN = "https://extensions.shopifycdn.com"
PREFLIGHT_MAX_AGE = 600


class CheckoutRefused(Exception):
    """A token that is not good (401) or a buyer who is not logged in where one is needed (403)."""

    def __init__(self, status: int, message: str, details: object = None) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details


@bp.errorhandler(CheckoutRefused)
def refused(error: CheckoutRefused) -> Response:
    return _error(error.status, error.message, error.details)


bp.register_error_handler(RateLimitExceeded, too_many)


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


@bp.before_request
def preflight() -> Response | None:
    """The preflight the Authorization header causes: answered before any limit or token check."""
    return Response(status=204) if request.method == "OPTIONS" else None


@bp.after_request
def cors(response: Response) -> Response:
    """No cookies are involved (the token is a header), so the origin is all CORS needs to know."""
    origin = _allowed_origin(request.headers.get("Origin"))
    response.headers["Vary"] = "Origin"
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _error(status: int, message: str, details: object = None) -> Response:
    return json_error(status, message, details, no_store=True)


def _verify() -> tuple[Shop, str | None]:
    config = services().config
    header = request.headers.get("Authorization", "")
    try:
        token = verify_checkout_session_token(
            header.removeprefix("Bearer ").strip(), config.shopify_api_key or "", config.shopify_api_secret or ""
        )
    except InvalidSessionToken as exc:
        raise CheckoutRefused(401, "invalid session token", str(exc)) from exc
    with services().db.session() as session:
        shop = find_shop(session, "shopify", token.shop)
        if shop is None or shop.uninstalled_at is not None:
            raise CheckoutRefused(401, "shop not connected")
        session.expunge(shop)
    return shop, token.customer_id


def verified() -> tuple[Shop, str | None]:
    """The connected shop the token is for and its customer (None for a guest), or CheckoutRefused;
    worked out once per request (the rate limiter asks first)."""
    memo = request.environ.setdefault("setia.checkout", {})
    if "verified" not in memo:
        try:
            memo["verified"] = _verify()
        except CheckoutRefused as exc:
            memo["verified"] = exc
    if isinstance(memo["verified"], CheckoutRefused):
        raise memo["verified"]
    found: tuple[Shop, str | None] = memo["verified"]
    return found


def buyer() -> tuple[Shop, str]:
    shop, customer = verified()
    if customer is None:
        raise CheckoutRefused(403, "no logged-in customer", "points are shown to customers who are signed in")
    return shop, customer


def _shopper_key() -> str | None:
    """The widget API's key for the same shopper ("<public_id>:<customer>"): one allowance."""
    try:
        shop, customer = buyer()
    except CheckoutRefused:
        return None
    return f"{shop.public_id}:{customer}"


def register_limits(limiter: Limiter) -> None:
    client_limit(limiter, bp, lambda: f"checkout:{request.remote_addr}")
    shopper_limit(limiter, bp, _shopper_key)


@bp.get("/me")
def me() -> Response:
    return answers.me(*buyer())


@bp.post("/redemptions")
def redemptions() -> Response:
    return answers.redemption(*buyer())


@bp.get("/program")
def program() -> Response:
    """The rewards the blocks offer (the widget API's `program`); any buyer of a connected shop."""
    shop, _ = verified()
    return answers.program(shop)


@bp.get("/estimate")
def estimate() -> Response:
    """What the checkout's subtotal earns; a guest's token is enough (what an account would earn)."""
    shop, customer = verified()
    return answers.earn_estimate(shop, customer, request.args)


@bp.get("/orders/<order_id>")
def order(order_id: str) -> Response:
    shop, customer = buyer()
    if not (order_id.isascii() and order_id.isdigit()) or len(order_id) > 20:
        return _error(404, "unknown order")
    with services().db.session() as session:
        try:
            answer = shopper.order_of(session, shop, customer, order_id)
        except NotFound:
            return _error(404, "unknown order")
    response = jsonify(answer)
    response.headers["Cache-Control"] = "private, no-store"
    return response

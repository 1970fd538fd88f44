"""The Shopify app's own routes: OAuth install and callback, token exchange; and the periodic job
that keeps expiring offline tokens fresh (research/shopify.md §1, §2)."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from flask import Blueprint, current_app, jsonify, redirect, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from connectors.base import PlatformError
from connectors.shopify import auth
from integrator.config import Config
from integrator.http_errors import json_error
from integrator.loyalty.models import utcnow
from integrator.services import services
from integrator.shopify import tokens

bp = Blueprint("shopify_app", __name__)

# What the app asks for when SHOPIFY_SCOPES is unset; the same list as shopify.app.toml.
DEFAULT_SCOPES = (
    "read_orders,write_orders,read_customers,read_locales,write_discounts,write_store_credit_account_transactions,"
    "write_app_proxy"
)
STATE_COOKIE = "setia_oauth_state"
STATE_MAX_AGE = 600
# A callback older than this is refused, whatever its signature (a replayed URL).
CALLBACK_MAX_AGE = timedelta(minutes=10)
CLOCK_SKEW = timedelta(minutes=1)


def _error(status: int, message: str) -> Response:
    return json_error(status, message, no_store=True)


def _state_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services().config.secret_key, salt="setia-shopify-oauth-state")


def _shop_param(value: str | None) -> str | None:
    shop = (value or "").strip().lower()
    return shop if auth.is_shop_domain(shop) else None


@bp.get("/auth/shopify/install")
def install() -> Response:
    """Send the merchant to Shopify's grant screen, with a state nonce bound to this browser."""
    config = services().config
    shop = _shop_param(request.args.get("shop"))
    if shop is None:
        return _error(400, "shop must be NAME.myshopify.com")
    if not (config.shopify_api_key and config.shopify_api_secret):
        return _error(503, "this server has no Shopify app credentials (SHOPIFY_API_KEY, SHOPIFY_API_SECRET)")
    state = secrets.token_urlsafe(24)
    url = auth.authorize_url(
        shop, config.shopify_api_key, config.shopify_scopes or DEFAULT_SCOPES, _callback_url(config), state
    )
    response = redirect(url, code=302)
    response.set_cookie(
        STATE_COOKIE,
        _state_serializer().dumps({"state": state, "shop": shop}),
        max_age=STATE_MAX_AGE,
        path="/auth/shopify",
        secure=config.app_url.startswith("https://"),
        httponly=True,
        samesite="Lax",  # Shopify's redirect back is a top-level GET: Lax cookies go with it
    )
    return response


def _callback_url(config: Config) -> str:
    return f"{config.app_url}/auth/shopify/callback"


def _callback_refusal(params: dict[str, str], config: Config) -> Response | None:
    """Why a callback is refused (state, signature, shop, age), or None when it can be trusted."""
    try:
        bound = _state_serializer().loads(request.cookies.get(STATE_COOKIE, ""), max_age=STATE_MAX_AGE)
    except BadSignature:
        return _error(401, "missing or expired install state: start the install again")
    state = params.get("state", "")
    if not state or not hmac.compare_digest(str(bound.get("state", "")).encode(), state.encode()):
        return _error(401, "install state does not match this browser")
    if not auth.verify_oauth_hmac(params, config.shopify_api_secret or ""):
        return _error(401, "invalid hmac")
    shop = _shop_param(params.get("shop"))
    if shop is None or shop != bound.get("shop"):
        return _error(400, "shop must be the NAME.myshopify.com the install started with")
    if not auth.is_recent(params.get("timestamp"), utcnow(), CALLBACK_MAX_AGE, CLOCK_SKEW):
        return _error(401, "the callback is too old: start the install again")
    if not params.get("code"):
        return _error(400, "missing code")
    return None


@bp.get("/auth/shopify/callback")
def callback() -> Response:
    """Check the callback, trade its code for an expiring offline token, store it, open the app."""
    config = services().config
    api_key, secret = config.shopify_api_key, config.shopify_api_secret
    if not (api_key and secret):
        return _error(503, "this server has no Shopify app credentials (SHOPIFY_API_KEY, SHOPIFY_API_SECRET)")
    params = request.args.to_dict()
    refusal = _callback_refusal(params, config)
    if refusal is not None:
        return refusal
    shop = params["shop"].lower()
    try:
        grant = auth.exchange_code(shop, params["code"], api_key, secret, config.shopify_api_base_url)
    except PlatformError as exc:
        current_app.logger.warning("code exchange for %s failed: %s", shop, exc)
        return _error(502, "Shopify did not give an access token; start the install again")
    missing = auth.missing_scopes(config.shopify_scopes or DEFAULT_SCOPES, grant.scope)
    if missing:
        return _error(400, f"the install did not grant {', '.join(missing)}")
    _store(config, shop, grant)
    response = redirect(f"https://{shop}/admin/apps/{api_key}", code=302)
    response.delete_cookie(STATE_COOKIE, path="/auth/shopify")
    return response


def _store(config: Config, shop: str, grant: auth.TokenGrant) -> None:
    info = tokens.shop_info(config, shop, grant.access_token)
    tokens.create_order_definitions(config, shop, grant.access_token)
    with services().db.session() as session:
        tokens.install_shop(session, services().box, shop, grant, info)
    services().shop_secrets.forget(shop)  # its webhooks are now signed with the app secret


@bp.post("/auth/shopify/token-exchange")
def token_exchange() -> Response:
    """Managed installation: `Authorization: Bearer <session token>` from the embedded app → an
    expiring offline token stored for the shop the token names."""
    config = services().config
    raw = _bearer()
    try:
        token = auth.verify_session_token(raw, config.shopify_api_key or "", config.shopify_api_secret or "")
    except auth.InvalidSessionToken as exc:
        return _error(401, f"invalid session token: {exc}")
    db = services().db
    try:
        tokens.install_with_session_token(db, config, services().box, token, raw)
    except (PlatformError, tokens.TokenUnavailable) as exc:
        current_app.logger.warning("token exchange for %s failed: %s", token.shop, exc)
        return _error(502, "Shopify refused the token exchange")
    services().shop_secrets.forget(token.shop)
    return jsonify({"shop": token.shop, "installed": True})


def _bearer() -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""

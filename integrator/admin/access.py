"""Who is using the merchant pages: a Shopify staff member (App Bridge session token, no cookies),
or a merchant signed in with a login link (a signed cookie, and a CSRF token for every change)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from flask import Request, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.wrappers import Response

from connectors.base import PlatformError
from connectors.shopify import auth
from integrator import shopify_tokens
from integrator.config import Config
from integrator.loyalty.models import Shop, utcnow

COOKIE = "setia_admin"
COOKIE_MAX_AGE = 8 * 3600
COOKIE_SALT = "setia-admin-session"


class NotSignedIn(Exception):
    """No valid session token and no valid cookie session: show the login notice, never the page."""


@dataclass(frozen=True)
class Merchant:
    shop_id: int
    shop_domain: str
    actor: str  # recorded with every change ("shopify:<staff id>" or "login-link")
    embedded: bool  # inside the Shopify admin: authenticated per request, no cookie, no CSRF token
    csrf_token: str | None = None


def _config() -> Config:
    config: Config = current_app.extensions["setia_config"]
    return config


def _cookies() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_config().secret_key, salt=COOKIE_SALT)


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _embedded(raw: str, install: bool) -> Merchant:
    """The merchant a session token names. On a page load (`install`), a shop without a usable token is
    installed first by token exchange (Shopify managed installation)."""
    config = _config()
    try:
        token = auth.verify_session_token(raw, config.shopify_api_key or "", config.shopify_api_secret or "")
    except auth.InvalidSessionToken as exc:
        raise NotSignedIn(f"invalid session token: {exc}") from exc
    db = current_app.extensions["setia_db"]
    with db.session() as session:
        shop = session.execute(
            select(Shop).where(Shop.platform == "shopify", Shop.domain == token.shop)
        ).scalar_one_or_none()
        shop_id = shop.id if shop is not None else None
        must_install = shopify_tokens.needs_install(shop, utcnow())
    if must_install:
        if not install:
            raise NotSignedIn(f"{token.shop} has not installed the app")
        try:
            shop_id = shopify_tokens.install_with_session_token(
                db, config, current_app.extensions["setia_box"], token, raw
            )
        except (PlatformError, shopify_tokens.TokenUnavailable) as exc:
            raise NotSignedIn(f"the token exchange for {token.shop} failed: {exc}") from exc
        current_app.extensions["setia_shop_secrets"].forget(token.shop)
    if shop_id is None:
        raise NotSignedIn(f"{token.shop} is not installed")
    return Merchant(shop_id, token.shop, f"shopify:{token.user_id}", embedded=True)


def _from_cookie(request: Request) -> Merchant:
    try:
        data = _cookies().loads(request.cookies.get(COOKIE, ""), max_age=COOKIE_MAX_AGE)
    except BadSignature as exc:
        raise NotSignedIn("no session") from exc
    with current_app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, data.get("shop"))
        if shop is None:
            raise NotSignedIn("the shop of this session is gone")
        return Merchant(shop.id, shop.domain, "login-link", embedded=False, csrf_token=str(data.get("csrf")))


def current_merchant(request: Request, page_load: bool = False) -> Merchant:
    """The signed-in merchant: the `id_token` of a page load or the `Authorization: Bearer` header App
    Bridge adds to fetch (either one wins over a cookie), else the login-link cookie."""
    raw = request.args.get("id_token", "") if page_load else ""
    raw = raw or _bearer(request)
    if raw:
        return _embedded(raw, install=page_load)
    return _from_cookie(request)


def check_csrf(merchant: Merchant, request: Request) -> bool:
    """Cookie sessions prove a change is theirs with the CSRF token; a session token is its own proof."""
    if merchant.embedded:
        return True
    sent = request.headers.get("X-CSRF-Token", "")
    return bool(sent and merchant.csrf_token) and hmac.compare_digest(sent.encode(), str(merchant.csrf_token).encode())


def start_session(response: Response, shop_id: int) -> None:
    """Sign the browser in: a cookie naming the shop, with a fresh CSRF token."""
    value = _cookies().dumps({"shop": shop_id, "csrf": secrets.token_urlsafe(24)})
    response.set_cookie(
        COOKIE,
        value,
        max_age=COOKIE_MAX_AGE,
        path="/admin",
        secure=_config().app_url.startswith("https://"),
        httponly=True,
        samesite="Lax",
    )

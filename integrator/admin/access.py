"""Who is using the merchant pages: a Shopify staff member (App Bridge session token, no cookies),
or a merchant signed in with a login link (a signed cookie, and a CSRF token for every change).

Every merchant page view is wrapped in `merchant_page`, every state-changing view in `merchant_action`:
they sign the merchant in (or answer for them) so that the views themselves stay short."""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Request, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from integrator.admin.i18n import use_shop_language
from integrator.admin.login_links import LinkRefused, UsedLinks
from integrator.http_errors import json_error
from integrator.loyalty.models import Shop
from integrator.platform_registry import extra
from integrator.services import services

COOKIE = "setia_admin"
COOKIE_MAX_AGE = 8 * 3600
COOKIE_SALT = "setia-admin-session"
CSRF_ERROR = "missing or wrong CSRF token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NotSignedIn(Exception):
    """No valid session token and no valid cookie session: show the login notice, never the page."""


@dataclass(frozen=True)
class Merchant:
    shop_id: int
    shop_domain: str
    actor: str  # recorded with every change ("shopify:<staff id>" or "login-link")
    embedded: bool  # inside the Shopify admin: authenticated per request, no cookie, no CSRF token
    csrf_token: str | None = None
    session_id: str | None = None  # a cookie session's id, remembered as ended on logout


# (raw token, page load) -> the merchant it names; may install the shop first on a page load.
EmbeddedSignIn = Callable[[str, bool], Merchant]


def _cookies() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services().config.secret_key, salt=COOKIE_SALT)


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _embedded(raw: str, install: bool) -> Merchant:
    """The merchant a platform's embedded-admin token names (Shopify's App Bridge session token),
    through the platform that registered one; NotSignedIn when none did."""
    sign_in: EmbeddedSignIn | None = extra("embedded_admin")
    if sign_in is None:
        raise NotSignedIn("no platform signs merchants in with a token")
    return sign_in(raw, install)


def _from_cookie(request: Request) -> Merchant:
    try:
        data = _cookies().loads(request.cookies.get(COOKIE, ""), max_age=COOKIE_MAX_AGE)
    except BadSignature as exc:
        raise NotSignedIn("no session") from exc
    if not isinstance(data, dict) or not data.get("sid"):
        raise NotSignedIn("no session")
    if _ended_sessions().claimed(_ended_key(str(data["sid"]))):
        raise NotSignedIn("this session has ended")
    with services().db.session() as session:
        shop = session.get(Shop, data.get("shop"))
        if shop is None:
            raise NotSignedIn("the shop of this session is gone")
        return Merchant(
            shop.id, shop.domain, "login-link", embedded=False, csrf_token=str(data.get("csrf")), session_id=data["sid"]
        )


def cookie_merchant(request: Request) -> Merchant | None:
    """The merchant this browser's login-link cookie signs in, or None."""
    try:
        return _from_cookie(request)
    except NotSignedIn:
        return None


def current_merchant(request: Request, page_load: bool = False) -> Merchant:
    """The signed-in merchant: the `id_token` of a page load or the `Authorization: Bearer` header App
    Bridge adds to fetch (either one wins over a cookie), else the login-link cookie."""
    raw = request.args.get("id_token", "") if page_load else ""
    raw = raw or _bearer(request)
    if raw:
        return _embedded(raw, install=page_load)
    return _from_cookie(request)


def check_csrf(merchant: Merchant, request: Request) -> bool:
    """Cookie sessions prove a change is theirs with the CSRF token, sent in the `X-CSRF-Token` header
    (fetch) or the `csrf_token` field (a form post); a session token is its own proof."""
    if merchant.embedded:
        return True
    sent = request.headers.get("X-CSRF-Token", "")
    if not sent and request.mimetype in FORM_TYPES:
        sent = request.form.get("csrf_token", "")
    return bool(sent and merchant.csrf_token) and hmac.compare_digest(sent.encode(), str(merchant.csrf_token).encode())


def _secure() -> bool:
    return services().config.app_url.startswith("https://") or request.is_secure


def start_session(response: Response, shop_id: int) -> None:
    """Sign the browser in: a cookie naming the shop, with a fresh session id and CSRF token."""
    value = _cookies().dumps({"shop": shop_id, "csrf": secrets.token_urlsafe(24), "sid": secrets.token_urlsafe(16)})
    response.set_cookie(
        COOKIE, value, max_age=COOKIE_MAX_AGE, path="/admin", secure=_secure(), httponly=True, samesite="Lax"
    )


def _ended_sessions() -> UsedLinks:
    used = UsedLinks(services().db)
    return used


def _ended_key(session_id: str) -> str:
    return f"ended-session:{session_id}"


def end_session(response: Response, merchant: Merchant) -> None:
    """Log out: the cookie is cleared, and its session id remembered as ended (a copy of the cookie
    no longer signs anyone in)."""
    if merchant.session_id:
        try:
            _ended_sessions().claim(_ended_key(merchant.session_id), ttl=COOKIE_MAX_AGE + 60)
        except LinkRefused as exc:  # the database is down: the cookie still goes (no session works until it is back)
            current_app.logger.warning("logout could not record the ended session: %s", exc)
    response.delete_cookie(COOKIE, path="/admin", secure=_secure(), httponly=True, samesite="Lax")


# --- the frame every merchant page view and every change goes through -------------------------------


def load_shop(merchant: Merchant) -> Shop:
    """The signed-in merchant's shop, detached from its session (read it; change it in your own session)."""
    with services().db.session() as session:
        shop = session.get(Shop, merchant.shop_id)
        if shop is None:
            raise NotSignedIn("shop not found")
        session.expunge(shop)
        return shop


def _signed_in(page_load: bool) -> tuple[Merchant, Shop]:
    merchant = current_merchant(request, page_load=page_load)
    if merchant.embedded:
        g.embedded_shop = merchant.shop_domain  # the policy then lets this shop's Shopify admin frame us
    shop = load_shop(merchant)
    use_shop_language(shop.language)
    return merchant, shop


def merchant_page(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Decorator for a merchant page (GET): the view runs as `view(merchant, shop, **url_args)` only for
    a signed-in merchant, with the shop's language chosen; anyone else is redirected to the login
    notice and never sees the page. `shop` is a detached Shop row. Render with `render_page`."""

    @functools.wraps(view)
    def page(**url_args: Any) -> ResponseReturnValue:
        try:
            merchant, shop = _signed_in(page_load=True)
        except NotSignedIn as exc:
            current_app.logger.info("%s refused: %s", request.path, exc)
            return redirect(url_for("admin.login_notice"), code=302)
        return view(merchant, shop, **url_args)

    return page


def wants_json(req: Request) -> bool:
    """A fetch (JSON body or JSON accepted) rather than a plain HTML form post."""
    if req.is_json:
        return True
    return req.mimetype not in FORM_TYPES and req.accept_mimetypes.best == "application/json"


def refused(status: int, message: str) -> ResponseReturnValue:
    """A refused change: the contract's JSON error for fetch, a small page for a form post."""
    if wants_json(request):
        return json_error(status, message)
    return render_template("admin/refused.html", status=status, message=message, merchant=None), status


def merchant_action(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Decorator for a state-changing request (POST, PATCH, DELETE): the view runs as
    `view(merchant, shop, **url_args)` only for a signed-in merchant whose CSRF proof holds (the
    `X-CSRF-Token` header or a `csrf_token` form field; a session token is its own proof).
    Not signed in → 401; missing or wrong CSRF token → 400; JSON for fetch, a page for a form post;
    the view does not run, nothing changes. `shop` is detached: change it in your own session."""

    @functools.wraps(view)
    def action(**url_args: Any) -> ResponseReturnValue:
        try:
            merchant, shop = _signed_in(page_load=False)
        except NotSignedIn:
            return refused(401, "not signed in")
        if not check_csrf(merchant, request):
            return refused(400, CSRF_ERROR)
        return view(merchant, shop, **url_args)

    return action


def render_page(template: str, merchant: Merchant, shop: Shop, **context: Any) -> str:
    """render_template with what admin/base.html needs (merchant, shop, App Bridge's api_key)."""
    api_key = services().config.shopify_api_key if merchant.embedded else None
    return render_template(template, merchant=merchant, shop=shop, api_key=api_key, **context)

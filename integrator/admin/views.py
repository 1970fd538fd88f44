"""The frame of the merchant pages: security headers, sign-in with a login link, the login notice,
logout. The pages themselves live in their own modules, imported at the bottom."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import (
    CSRF_ERROR,
    Merchant,
    check_csrf,
    cookie_merchant,
    end_session,
    load_shop,
    merchant_action,
    merchant_page,
    refused,
    start_session,
)
from integrator.admin.i18n import LANGUAGE_COOKIE, LANGUAGES, use_shop_language
from integrator.admin.login_links import LinkRefused, UsedLinks, redeem, unused
from integrator.loyalty.models import Shop
from integrator.services import services

SHOPIFY_ADMIN = "https://admin.shopify.com"
APP_BRIDGE = "https://cdn.shopify.com"


@bp.after_request
def _security_headers(response: Response) -> Response:
    """A strict policy on every merchant page; framing only by the Shopify admin of the shop itself.
    A response that sets its own policy (a dashboard chart, an SVG image) keeps it and its caching."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if "Content-Security-Policy" in response.headers:
        return response
    shop = g.get("embedded_shop")
    ancestors = f"https://{shop} {SHOPIFY_ADMIN}" if shop else "'none'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'self' {APP_BRIDGE}; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )
    if not shop:
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"  # page URLs carry id_token or a login link
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _page_language() -> dict[str, str]:
    return {"page_language": str(get_locale() or "en")}


@bp.get("/login")
def login_notice() -> tuple[str, int]:
    signed_out = request.args.get("signed_out") == "1"
    return render_template("admin/login_notice.html", refused=None, signed_out=signed_out, merchant=None), 401


def _link_refused(exc: LinkRefused) -> tuple[str, int]:
    current_app.logger.info("login link refused: %s", exc)
    return render_template("admin/login_notice.html", refused=exc.kind, signed_out=False, merchant=None), 401


def _sign_in_with(token: str) -> Response | tuple[str, int]:
    """Use the link (once, whatever the deployment), start its cookie session, open the home page."""
    try:
        link = redeem(services().config.secret_key, token, _used_links())
    except LinkRefused as exc:
        return _link_refused(exc)
    response = redirect(url_for("admin.home_page"), code=303)
    start_session(response, link.shop_id)
    return response


def _used_links() -> UsedLinks:
    used = UsedLinks(services().db)
    return used


def _shop_label(shop: Shop) -> str:
    return f"{shop.name} ({shop.domain})" if shop.name and shop.name != shop.domain else shop.domain


@bp.get("/login/<token>")
def login_with_link(token: str) -> Response | tuple[str, int]:
    """A `shops login-link` URL: used once, it starts a cookie session and opens the home page. A
    browser signed in to another shop is asked first (a CSRF-protected POST of the same URL): a link
    someone else sent must not switch it silently (login CSRF). Asking does not use the link."""
    try:
        link = unused(services().config.secret_key, token, _used_links())
    except LinkRefused as exc:
        return _link_refused(exc)
    merchant = cookie_merchant(request)
    if merchant is None or merchant.shop_id == link.shop_id:
        return _sign_in_with(token)
    current = load_shop(merchant)
    with services().db.session() as session:
        target = session.get(Shop, link.shop_id)
        target_label = _shop_label(target) if target is not None else str(link.shop_id)
    use_shop_language(current.language)
    page = render_template(
        "admin/switch_shop.html",
        merchant=None,
        token=token,
        csrf_token=merchant.csrf_token,
        current=_shop_label(current),
        target=target_label,
    )
    return page, 200


@bp.post("/login/<token>")
def switch_shop(token: str) -> ResponseReturnValue:
    """The confirmation of the page above: only the signed-in browser's own form (its CSRF token)
    uses the link and switches shops."""
    merchant = cookie_merchant(request)
    if merchant is None:
        return refused(401, "not signed in")
    if not check_csrf(merchant, request):
        return refused(400, CSRF_ERROR)
    return _sign_in_with(token)


@bp.post("/logout")
@merchant_action
def logout(merchant: Merchant, shop: Shop) -> Response:
    """The Log out button (a form post with the CSRF token): the cookie session ends for good."""
    response = redirect(url_for("admin.login_notice", signed_out=1), code=303)
    end_session(response, merchant)
    return response


@bp.get("/language/<code>")
@merchant_page
def choose_language(merchant: Merchant, shop: Shop, code: str) -> Response:
    """The frame's language switch: the merchant's choice, remembered in a cookie for a year, then
    the page they were on (only a merchant page: never an address elsewhere). A preference, not a
    change to the shop: a plain link, no CSRF token needed."""
    target = request.args.get("next", "")
    if not target.startswith("/admin/") and target != "/admin":
        target = url_for("admin.home_page")
    id_token = request.args.get("id_token")
    if id_token:  # an embedded page keeps its session token on the way back
        target += ("&" if "?" in target else "?") + urlencode({"id_token": id_token})
    response = redirect(target, code=303)
    if code in LANGUAGES:
        secure = services().config.app_url.startswith("https://") or request.is_secure
        # Inside the Shopify admin's frame a cookie must be SameSite=None (and then Secure) to come back.
        same_site = "None" if secure else "Lax"
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=365 * 86400, path="/admin", secure=secure, httponly=True, samesite=same_site
        )
    return response


from integrator.admin import (  # noqa: E402,F401  (the pages register themselves on bp)
    api_keys_views,
    earn_views,
    home_views,
    notifications_views,
    rewards_views,
    settings_views,
    tiers_views,
    unboxing_logo,
    unboxing_views,
    webhooks_views,
)

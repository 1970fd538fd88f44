"""The frame of the merchant pages: security headers, sign-in with a login link, the login notice,
logout. The pages themselves live in their own modules, imported at the bottom."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from integrator import jobs
from integrator.admin import bp
from integrator.admin.access import Merchant, end_session, merchant_action, start_session
from integrator.admin.login_links import LinkRefused, UsedLinks, redeem
from integrator.loyalty.models import Shop

SHOPIFY_ADMIN = "https://admin.shopify.com"
APP_BRIDGE = "https://cdn.shopify.com"


@bp.record_once
def _remember_used_links(state: Any) -> None:
    state.app.extensions["setia_used_login_links"] = UsedLinks()


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


@bp.get("/login/<token>")
def login_with_link(token: str) -> Response | tuple[str, int]:
    """A `shops login-link` URL: used once, it starts a cookie session and opens the home page."""
    config = current_app.extensions["setia_config"]
    used: UsedLinks = current_app.extensions["setia_used_login_links"]
    try:
        link = redeem(config.secret_key, token, used, jobs.redis_connection())
    except LinkRefused as exc:
        current_app.logger.info("login link refused: %s", exc)
        return render_template("admin/login_notice.html", refused=exc.kind, signed_out=False, merchant=None), 401
    response = redirect(url_for("admin.home_page"), code=303)
    start_session(response, link.shop_id)
    return response


@bp.post("/logout")
@merchant_action
def logout(merchant: Merchant, shop: Shop) -> Response:
    """The Log out button (a form post with the CSRF token): the cookie session ends for good."""
    response = redirect(url_for("admin.login_notice", signed_out=1), code=303)
    end_session(response, merchant)
    return response


from integrator.admin import home_views, rewards_views, settings_views  # noqa: E402,F401  (the pages register themselves on bp)

"""The frame of the merchant pages (security headers, sign-in with a login link, the login notice,
logout) and the settings page with the JSON endpoint its form submits to."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from integrator import jobs
from integrator.admin import bp
from integrator.admin.access import (
    Merchant,
    end_session,
    merchant_action,
    merchant_page,
    render_page,
    start_session,
)
from integrator.admin.login_links import LinkRefused, UsedLinks, redeem
from integrator.http_errors import json_error
from integrator.loyalty.errors import InvalidSettings
from integrator.loyalty.models import Shop
from integrator.loyalty.settings import current_settings, update_settings

SHOPIFY_ADMIN = "https://admin.shopify.com"
APP_BRIDGE = "https://cdn.shopify.com"


@bp.record_once
def _remember_used_links(state: Any) -> None:
    state.app.extensions["setia_used_login_links"] = UsedLinks()


@bp.after_request
def _security_headers(response: Response) -> Response:
    """A strict policy on every merchant page; framing only by the Shopify admin of the shop itself."""
    shop = g.get("embedded_shop")
    ancestors = f"https://{shop} {SHOPIFY_ADMIN}" if shop else "'none'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'self' {APP_BRIDGE}; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )
    if not shop:
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"  # page URLs carry id_token or a login link
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _page_language() -> dict[str, str]:
    return {"page_language": str(get_locale() or "en")}


@bp.get("/settings")
@merchant_page
def settings_page(merchant: Merchant, shop: Shop) -> str:
    config = current_app.extensions["setia_config"]
    return render_page(
        "admin/settings.html",
        merchant,
        shop,
        settings=current_settings(shop),
        plugin=_plugin_settings(shop, config.app_url),
    )


def _plugin_settings(shop: Shop, app_url: str) -> dict[str, str] | None:
    """What the merchant pastes into the WordPress plugin's settings (WooCommerce stores only:
    Shopify's theme extension gets the public id, and never needs the widget secret)."""
    if shop.platform != "woocommerce":
        return None
    box = current_app.extensions["setia_box"]
    return {"app_url": app_url, "public_id": shop.public_id, "widget_secret": box.decrypt(shop.widget_secret_enc)}


@bp.route("/api/settings", methods=["PATCH", "POST"])
@merchant_action
def save_settings(merchant: Merchant, shop: Shop) -> Response:
    """The settings form's fetch: a partial change, validated whole; 422 with field errors."""
    with current_app.extensions["setia_db"].session() as session:
        row = session.get(Shop, shop.id)
        if row is None:
            return json_error(401, "not signed in")
        try:
            values = update_settings(session, row, request.get_json(silent=True), merchant.actor)
        except InvalidSettings as exc:
            return json_error(422, exc.message, exc.details)
    return jsonify({"settings": values})


@bp.get("/login")
def login_notice() -> tuple[str, int]:
    signed_out = request.args.get("signed_out") == "1"
    return render_template("admin/login_notice.html", refused=None, signed_out=signed_out, merchant=None), 401


@bp.get("/login/<token>")
def login_with_link(token: str) -> Response | tuple[str, int]:
    """A `shops login-link` URL: used once, it starts a cookie session and opens the settings."""
    config = current_app.extensions["setia_config"]
    used: UsedLinks = current_app.extensions["setia_used_login_links"]
    try:
        link = redeem(config.secret_key, token, used, jobs.redis_connection())
    except LinkRefused as exc:
        current_app.logger.info("login link refused: %s", exc)
        return render_template("admin/login_notice.html", refused=exc.kind, signed_out=False, merchant=None), 401
    response = redirect(url_for("admin.settings_page"), code=303)
    start_session(response, link.shop_id)
    return response


@bp.post("/logout")
@merchant_action
def logout(merchant: Merchant, shop: Shop) -> Response:
    """The Log out button (a form post with the CSRF token): the cookie session ends for good."""
    response = redirect(url_for("admin.login_notice", signed_out=1), code=303)
    end_session(response, merchant)
    return response

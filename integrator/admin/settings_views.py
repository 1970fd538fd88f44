"""The program settings page (earning, unboxing coupon, widget theme with a live preview, the audit
log) and the JSON endpoint its form submits to, validated by the API's own SettingsSchema."""

from __future__ import annotations

from typing import Any

from flask import jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, refused, render_page
from integrator.admin.i18n import language_of
from integrator.admin.settings_form import flat_errors, patch_from_form, shown_after_refusal
from integrator.admin.settings_text import audit_rows, rate_in_words
from integrator.admin.unboxing_print import designer_context
from integrator.error_texts import translated_details
from integrator.http_errors import json_error
from integrator.loyalty.errors import InvalidSettings
from integrator.loyalty.models import Shop
from integrator.loyalty.settings import SettingsSchema, changes_of, current_settings, update_settings
from integrator.platform_registry import store_credit_supported
from integrator.services import services

# The widget's built-in texts a merchant may replace (widgets/src/i18n.js; a test keeps them equal).
BUILTIN_TEXTS = {
    "en": {
        "title": "Rewards",
        "join": "Sign in or create an account to collect points.",
        "rewards": "Spend your points",
    },
    "id": {"title": "Hadiah", "join": "Masuk atau buat akun untuk mengumpulkan poin.", "rewards": "Tukar poin Anda"},
}


def _render(merchant: Merchant, shop: Shop, settings: dict[str, Any], errors: dict[str, str]) -> str:
    with services().db.session() as session:
        changes = audit_rows(changes_of(session, shop.id), shop.currency)
    return render_page(
        "admin/settings.html",
        merchant,
        shop,
        settings=settings,
        errors=errors,
        has_expiry="points_expiry_days" in SettingsSchema().fields,
        builtin_texts=BUILTIN_TEXTS,
        preview_language=language_of(shop.language),
        store_credit=store_credit_supported(shop),  # the platform keeps store credit (Shopify)
        rate_text=rate_in_words(current_settings(shop)["points_per_unit"], shop.currency),
        changes=changes,
        saved=request.args.get("saved") == "1",
        plugin=_plugin_settings(shop, services().config.app_url),
        **designer_context(shop, services().config.app_url),
    )


@bp.get("/settings")
@merchant_page
def settings_page(merchant: Merchant, shop: Shop) -> str:
    return _render(merchant, shop, current_settings(shop), {})


@bp.post("/settings")
@merchant_action
def post_settings(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """The form without JavaScript (a cookie session): saved → back to the page (post/redirect/get);
    refused → the page again at its own address, with what was typed and each field's error (422)."""
    patch: dict[str, Any] = {}
    try:
        patch = patch_from_form(request.form)
        with services().db.session() as session:
            row = session.get(Shop, shop.id)
            if row is None:
                return refused(401, "not signed in")
            update_settings(session, row, patch, merchant.actor)
    except InvalidSettings as exc:
        errors = flat_errors(translated_details(exc.details))
        return _render(merchant, shop, shown_after_refusal(current_settings(shop), patch), errors), 422
    return redirect(url_for("admin.settings_page", saved=1), code=303)


def _plugin_settings(shop: Shop, app_url: str) -> dict[str, str] | None:
    """What the merchant pastes into the WordPress plugin's settings (WooCommerce stores only:
    Shopify's theme extension gets the public id, and never needs the widget secret)."""
    if shop.platform != "woocommerce":
        return None
    box = services().box
    return {"app_url": app_url, "public_id": shop.public_id, "widget_secret": box.decrypt(shop.widget_secret_enc)}


@bp.route("/api/settings", methods=["PATCH", "POST"])
@merchant_action
def save_settings(merchant: Merchant, shop: Shop) -> Response:
    """The settings form's fetch: a partial change, validated whole; 422 with field errors."""
    with services().db.session() as session:
        row = session.get(Shop, shop.id)
        if row is None:
            return json_error(401, "not signed in")
        values = update_settings(session, row, request.get_json(silent=True), merchant.actor)  # or 422
    return jsonify({"settings": values})

"""The program settings page (earning, unboxing coupon, widget theme with a live preview, the audit
log) and the JSON endpoint its form submits to, validated by the API's own SettingsSchema."""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.admin.i18n import language_of
from integrator.http_errors import json_error
from integrator.loyalty.models import SettingsChange, Shop
from integrator.loyalty.settings import SettingsSchema, changes_of, current_settings, update_settings
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


@bp.get("/settings")
@merchant_page
def settings_page(merchant: Merchant, shop: Shop) -> str:
    config = services().config
    with services().db.session() as session:
        changes = audit_rows(changes_of(session, shop.id))
    return render_page(
        "admin/settings.html",
        merchant,
        shop,
        settings=current_settings(shop),
        has_expiry="points_expiry_days" in SettingsSchema().fields,
        builtin_texts=BUILTIN_TEXTS,
        preview_language=language_of(shop.language),
        changes=changes,
        saved=request.args.get("saved") == "1",
        plugin=_plugin_settings(shop, config.app_url),
    )


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_rows(changes: list[SettingsChange]) -> list[dict[str, str]]:
    """One row per changed setting, newest change first: when, who, which setting, from → to."""
    return [
        {
            "when": change.created_at.strftime("%Y-%m-%d %H:%M"),
            "who": change.actor,
            "setting": key,
            "from": _shown(values.get("from")),
            "to": _shown(values.get("to")),
        }
        for change in changes
        for key, values in sorted(change.changes.items())
    ]


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

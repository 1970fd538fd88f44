"""The home page /admin/: the first-run checklist and the store connection's live status
(integrator.loyalty.onboarding), and the "keep the default earning rule" button."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import jsonify
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.admin.settings_text import rate_in_words
from integrator.http_errors import json_error
from integrator.loyalty.api_keys import api_keys_of
from integrator.loyalty.models import Shop
from integrator.loyalty.onboarding import Connection, confirm_earning_rule, connection_of, onboarding_of
from integrator.loyalty.settings import current_settings
from integrator.loyalty.webhook_endpoints import disabled_endpoints
from integrator.platform_registry import has_credentials
from integrator.services import services


def when(value: datetime | None) -> str | None:
    """A moment in the page's language, in UTC (None stays None: the template says "never")."""
    return None if value is None else f"{format_datetime(value, 'medium')} UTC"


@bp.get("/")
@merchant_page
def home_page(merchant: Merchant, shop: Shop) -> str:
    with services().db.session() as session:
        onboarding = onboarding_of(session, shop, has_credentials(shop))
        active_keys = sum(1 for key in api_keys_of(session, shop.id) if key.revoked_at is None)
        disabled = [endpoint.url for endpoint in disabled_endpoints(session, shop.id)]
    settings = current_settings(shop)
    return render_page(
        "admin/home.html",
        merchant,
        shop,
        onboarding=onboarding,
        connection=onboarding.connection,
        rate_text=rate_in_words(settings["points_per_unit"], shop.currency),
        cashback=format_decimal(Decimal(settings["cashback_percent"])),
        status=status_label(onboarding.connection),
        when=when,
        active_keys=active_keys,
        disabled_endpoints=disabled,
        needs_write_orders=needs_write_orders(shop),
    )


def needs_write_orders(shop: Shop) -> bool:
    """A Shopify shop whose recorded grant lacks write_orders (the unboxing code on its orders:
    docs/unboxing.md). A custom app's grant is not recorded: its merchant follows the README."""
    if shop.platform != "shopify" or not shop.scopes:
        return False
    return "write_orders" not in {scope.strip() for scope in shop.scopes.split(",")}


def status_label(connection: Connection) -> str:
    if not connection.installed:
        return _("Not connected")
    if connection.healthy:
        return _("Healthy")
    if connection.last_delivery_at is None:
        return _("Waiting for the first delivery")
    return _("Needs attention")


@bp.get("/api/connection")
@merchant_action
def connection_status(merchant: Merchant, shop: Shop) -> Response:
    """The home page polls this: the connection's status as the page shows it, in the shop's language."""
    with services().db.session() as session:
        connection = connection_of(session, shop, has_credentials(shop))
    return jsonify(
        {
            "healthy": connection.healthy,
            "status": status_label(connection),
            "last_delivery": when(connection.last_delivery_at) or _("never"),
            "failed": connection.failed,
            "retrying": connection.retrying,
            "last_reconciliation": when(connection.reconciled_at) or _("never"),
        }
    )


@bp.post("/api/onboarding/earning-confirmed")
@merchant_action
def confirm_earning(merchant: Merchant, shop: Shop) -> Response:
    """The checklist's "Keep this rule" button: the default earning rule is the merchant's choice."""
    with services().db.session() as session:
        row = session.get(Shop, shop.id)
        if row is None:
            return json_error(401, "not signed in")
        confirm_earning_rule(session, row)
    return jsonify({"earning_rule_set": True})

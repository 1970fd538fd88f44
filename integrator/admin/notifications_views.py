"""The notifications page (/admin/notifications): shopper emails on or off and one switch per email,
whether SMTP is set, a test email, and a preview of every email in English and Indonesian."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, refused, render_page
from integrator.error_texts import translated_details
from integrator.loyalty.errors import InvalidSettings
from integrator.loyalty.models import Shop, utcnow
from integrator.loyalty.settings import EMAIL_KINDS, current_settings, update_settings
from integrator.loyalty.webhook_endpoints import disabled_endpoints
from integrator.loyalty.whatsapp_accounts import account_of, save_account
from integrator.notify import mail
from integrator.notify.jobs import brand_of
from integrator.notify.render import LANGUAGES, language_of, render
from integrator.services import services

KIND_LABELS = {
    "points_earned": _l("Points earned"),
    "code_issued": _l("Reward or code issued"),
    "cashback_available": _l("Cashback available"),
    "points_expiring": _l("Points expiring (30 and 7 days before)"),
    "tier_reached": _l("Tier reached"),
    "referral_reward": _l("Referral reward"),
    "birthday": _l("Birthday (only to members who accept marketing)"),
}
LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia"}
MAX_ADDRESS = 320


def sample_data(kind: str, currency: str) -> dict[str, Any]:
    """What a preview or a test email shows: made-up values of the shape the events carry."""
    soon = (utcnow() + timedelta(days=30)).isoformat()
    big = currency.upper() in ("IDR", "JPY", "KRW", "VND")
    return {
        "points": 120,
        "state": "pending" if kind == "points_earned" else "available",
        "available_at": (utcnow() + timedelta(days=14)).isoformat(),
        "order_name": "#1001",
        "code": "SETIA-7KQ2MD",
        "value_type": "percentage",
        "value": "10",
        "expires_at": soon,
        "cashback": "25000" if big else "5.00",
        "tier": "Gold",
        "days_before": 30,
        "accepts_marketing": True,
    }


def _render(merchant: Merchant, shop: Shop, **extra: Any) -> str:
    with services().db.session() as session:
        disabled = [endpoint.url for endpoint in disabled_endpoints(session, shop.id)]
        account = account_of(session, shop.id)
        whatsapp = {
            "enabled": bool(account and account.enabled),
            "phone_number_id": account.phone_number_id if account else "",
            "language": account.language if account else language_of(shop.language),
            "templates": dict(account.templates or {}) if account else {},
            "has_token": account is not None,
        }
    email = current_settings(shop)["notifications"]["email"]
    return render_page(
        "admin/notifications.html",
        merchant,
        shop,
        email=email,
        kinds=[(kind, KIND_LABELS[kind]) for kind in EMAIL_KINDS],
        languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        smtp=services().config.smtp_url is not None,
        disabled_endpoints=disabled,
        whatsapp=extra.pop("whatsapp", whatsapp),
        saved=request.args.get("saved") == "1",
        **extra,
    )


@bp.get("/notifications")
@merchant_page
def notifications_page(merchant: Merchant, shop: Shop) -> str:
    return _render(merchant, shop)


@bp.post("/notifications")
@merchant_action
def save_notifications(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """The switches (unchecked boxes are not sent: every switch the form shows is set)."""
    switches = {kind: request.form.get(kind) == "on" for kind in ("enabled", *EMAIL_KINDS)}
    with services().db.session() as session:
        row = session.get(Shop, shop.id)
        if row is None:
            return refused(401, "not signed in")
        update_settings(session, row, {"notifications": {"email": switches}}, merchant.actor)
    return redirect(url_for("admin.notifications_page", saved=1), code=303)


@bp.post("/notifications/test")
@merchant_action
def send_test_email(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """A "points earned" email with made-up values to the address typed, at once (or recorded)."""
    address = request.form.get("address", "").strip()[:MAX_ADDRESS]
    if "@" not in address or any(c in address for c in "\r\n <>,;"):
        return _render(merchant, shop, test_result="invalid", test_address=address), 422
    brand = brand_of(shop)
    rendered = render("points_earned", brand, sample_data("points_earned", shop.currency), 480, None, _unsubscribe())
    message = mail.Mail(address, rendered.subject, rendered.text, rendered.html, _test_id(), _unsubscribe(), brand.name)
    config = services().config
    try:
        composed = mail.compose(message, config.mail_from)
        if config.smtp_url is None:
            return _render(merchant, shop, test_result="recorded", test_address=address)
        mail.send(config.smtp_url, composed)
    except (mail.MailRefused, mail.HeaderInjection, OSError, mail.smtplib.SMTPException) as exc:
        return _render(merchant, shop, test_result="failed", test_error=str(exc)[:300], test_address=address), 502
    return _render(merchant, shop, test_result="sent", test_address=address)


@bp.post("/notifications/whatsapp")
@merchant_action
def save_whatsapp(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """The WhatsApp Cloud API sender: switched on per shop, the token kept encrypted (a blank token
    field keeps the stored one)."""
    form = request.form
    token = form.get("token", "").strip()[:1000]
    templates = {kind: form.get(f"template_{kind}", "").strip()[:512] for kind in EMAIL_KINDS}
    enabled = form.get("whatsapp_enabled") == "on"
    phone_number_id = form.get("phone_number_id", "").strip()[:32]
    language = form.get("language", "").strip()[:16]
    typed = {"enabled": enabled, "phone_number_id": phone_number_id, "language": language, "templates": templates}
    try:
        with services().db.session() as session:
            token_enc = services().box.encrypt(token) if token else None
            save_account(session, shop.id, phone_number_id, token_enc, language, templates, enabled)
    except InvalidSettings as exc:
        errors = translated_details(exc.details)
        page = _render(merchant, shop, whatsapp={**typed, "has_token": False}, whatsapp_errors=errors)
        return page, 422
    return redirect(url_for("admin.notifications_page", saved=1) + "#whatsapp", code=303)


def _unsubscribe() -> str:
    return f"{services().config.app_url}/unsubscribe/test"


def _test_id() -> str:
    import secrets

    return f"<setia.test.{secrets.token_hex(8)}@setia>"


@bp.get("/notifications/preview/<kind>/<language>")
@merchant_page
def preview_email(merchant: Merchant, shop: Shop, kind: str, language: str) -> Response:
    """The email as a member receives it (HTML), with made-up values, in either language."""
    if kind not in EMAIL_KINDS or language not in LANGUAGES:
        abort(404)
    brand = brand_of(shop)
    brand = type(brand)(brand.name, language, brand.currency, brand.colour, brand.logo_url)
    rendered = render(kind, brand, sample_data(kind, shop.currency), 480, "Sari", "#")
    response = Response(rendered.html, mimetype="text/html")
    # The email's own inline styles (what mail clients read), nothing else: no script, no form.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'; "
        "form-action 'none'; base-uri 'none'"
    )
    response.headers["Cache-Control"] = "no-store"
    return response

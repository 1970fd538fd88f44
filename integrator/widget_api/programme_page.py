"""The programme page a shopper reads in full (ways to earn, rewards, FAQ), in the shop's language:
`GET /widget/v1/<public_id>/programme` (the WordPress plugin's [setia_programme] shortcode shows it)
and, on Shopify, https://<shop>/apps/setia/programme through the app proxy. Nothing personal on it,
so the same page serves everyone and is cached a minute."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response, make_response, render_template
from flask_babel import force_locale, format_decimal, ngettext
from flask_babel import gettext as _

from integrator.loyalty.models import Shop
from integrator.loyalty.money import display, exponent
from integrator.loyalty.settings import current_settings
from integrator.loyalty.shopper import locale_of, programme_of
from integrator.platform_registry import apply_path

from . import answers, bp
from .access import widget_shop

SECURITY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
LANGUAGES = ("en", "id")


def page_language(shop: Shop) -> str:
    code = (shop.language or "en").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def rate_words(points_per_unit: str, currency: str, locale: str) -> str | None:
    """ "0.001" in IDR → "1 point per Rp 1.000 spent" (as the widget and the settings page say it)."""
    rate = Decimal(points_per_unit)
    if rate <= 0:
        return None
    amount = 1
    while rate < 1 and amount < 10**9:
        rate, amount = rate * 10, amount * 10
    points = ngettext(
        "%(count)s point", "%(count)s points", 1 if rate == 1 else 2, count=format_decimal(rate.normalize())
    )
    money = display(amount * 10 ** exponent(currency), currency, locale)
    return _("%(points)s per %(amount)s spent", points=points, amount=money)


def _view(session_programme: dict[str, Any], shop: Shop) -> dict[str, Any]:
    settings = current_settings(shop)
    locale = locale_of(shop)
    earning = session_programme["earning"]
    return {
        "shop": shop,
        "programme": session_programme,
        "rate": rate_words(earning["points_per_unit"], shop.currency, locale),
        "cashback": earning["cashback_percent"] if Decimal(earning["cashback_percent"]) > 0 else None,
        "pending_days": earning["pending_days"],
        "pending_from": settings["pending_from"],
        "expiry_days": int(settings["points_expiry_days"]),
        "money": lambda value: display(int(Decimal(value) * 10 ** exponent(shop.currency)), shop.currency, locale),
    }


def page(shop: Shop, proxied: bool = False) -> Response:
    programme = answers._read(lambda session: programme_of(session, shop, apply_path(shop)))
    language = page_language(shop)
    with force_locale(language):
        html = render_template("programme/page.html", language=language, proxied=proxied, **_view(programme, shop))
    response = make_response(html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Cache-Control"] = answers.PUBLIC
    response.headers["Content-Security-Policy"] = SECURITY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<public_id>/programme")
def programme_view(public_id: str) -> Response:
    return page(widget_shop())

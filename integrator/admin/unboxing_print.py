"""What the printed unboxing cards say (in the shop's language: the shopper reads them), the range of
days a request asks for, and the short-lived signed print link the cards page makes for the Shopify
admin (a print window opened from the embedded app has no session token)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from integrator.admin.i18n import language_of
from integrator.loyalty.card_settings import CARD_SIZES
from integrator.loyalty.models import Shop
from integrator.loyalty.money import display, to_minor
from integrator.loyalty.settings import current_settings
from integrator.loyalty.unboxing import BadRange, Card, shop_zone
from integrator.loyalty.unboxing_qr import qr_svg

PRINT_LINK_SALT = "setia-unboxing-print"
PRINT_LINK_AGE = 15 * 60  # seconds a signed print link works
PER_SHEET = {"a6": 1, "a6x4": 4, "4x6": 1, "card": 10}
SIZE_NAMES = {
    "a6": _l("A6 (one per sheet)"),
    "a6x4": _l("A6, four per A4 sheet"),
    "4x6": _l("4×6 in / 100×150 mm label"),
    "card": _l("Business cards, ten per A4 sheet"),
}
DEFAULT_MESSAGES = {
    "en": "Thank you for your order! Here is a gift for your next one.",
    "id": "Terima kasih atas pesanan Anda! Ini hadiah untuk pesanan berikutnya.",
}


def size_of(shop: Shop, requested: str | None) -> str:
    if not requested:
        return str(current_settings(shop)["unboxing"]["card_size"])
    if requested not in CARD_SIZES:
        raise BadRange(f"size must be one of {', '.join(CARD_SIZES)}")
    return requested


# --- the signed print link ---------------------------------------------------------------------------


def _signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=PRINT_LINK_SALT)


def sign_print_link(secret_key: str, shop_id: int) -> str:
    return _signer(secret_key).dumps({"shop": shop_id})


def print_link_shop(secret_key: str, signed: str) -> int | None:
    """The shop a print link names while it is fresh; None for a stale, forged or broken one."""
    try:
        data = _signer(secret_key).loads(signed, max_age=PRINT_LINK_AGE)
    except BadSignature:
        return None
    shop = data.get("shop") if isinstance(data, dict) else None
    return shop if isinstance(shop, int) else None


# --- the cards' words --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardWords:
    code: str
    token: str
    scan_url: str
    qr: str  # inline <svg>
    discount: str
    expiry: str | None
    message: str


def card_language(shop: Shop) -> str:
    return language_of(shop.language)


def _discount(card: Card, shop: Shop, language: str) -> str:
    value = Decimal(card.value)
    if card.value_type == "percentage":
        return _("%(percent)s%% off your next order", percent=format_decimal(value))
    if card.value_type == "free_shipping":
        return _("Free shipping on your next order")
    return _("%(amount)s off your next order", amount=display(to_minor(value, shop.currency), shop.currency, language))


def card_words(shop: Shop, cards: list[Card], app_url: str) -> list[CardWords]:
    """Every card's texts in the shop's language, and its QR code (a few hundred µs each)."""
    language = card_language(shop)
    settings = current_settings(shop)["unboxing"]
    message = settings.get(f"card_message_{language}") or DEFAULT_MESSAGES[language]
    zone = shop_zone(shop)
    words = []
    with force_locale(language):
        for card in cards:
            url = f"{app_url}/u/{card.token}"
            expiry = None
            if card.expires_at is not None:
                expiry = _("Valid until %(day)s", day=format_date(card.expires_at.astimezone(zone).date(), "long"))
            words.append(
                CardWords(card.code, card.token, url, qr_svg(url), _discount(card, shop, language), expiry, message)
            )
    return words


def sheets(words: list[CardWords], size: str) -> list[list[CardWords]]:
    """The cards grouped by printed sheet (1, 4 or 10 a sheet)."""
    per = PER_SHEET[size]
    return [words[start : start + per] for start in range(0, len(words), per)]


def card_row(card: Card, app_url: str, fmt: Any) -> dict[str, Any]:
    """One line of the cards list (the page) in the merchant's language."""
    return {
        "token": card.token,
        "order": card.order_name or card.order_id,
        "code": card.code,
        "scan_url": f"{app_url}/u/{card.token}",
        "scans": card.scans,
        "issued": fmt.day(card.issued_at.date()),
        "printed": fmt.day(card.printed_at.date()) if card.printed_at else None,
        "redeemed": card.redeemed_at is not None,
        "status": card.status,
    }


def designer_context(shop: Shop, app_url: str) -> dict[str, Any]:
    """What the settings page's card designer shows: the sizes, the built-in messages, a sample
    discount in the shop's language, a sample QR code and the current logo."""
    from integrator.admin.unboxing_logo import logo_url

    percent = current_settings(shop)["unboxing"]["discount_percent"]
    with force_locale(card_language(shop)):
        discount = _("%(percent)s%% off your next order", percent=format_decimal(Decimal(str(percent))))
    return {
        "card_sizes": [(name, SIZE_NAMES[name]) for name in CARD_SIZES],
        "card_messages": DEFAULT_MESSAGES,
        "card_discount": discount,
        "sample_qr": qr_svg(f"{app_url}/u/SAMPLE-CARD"),
        "logo_url": logo_url(shop),
    }

"""What a shopper sees: their balances and the shop's programme, in the shape the storefront widgets
read. The widget API and the Shopify app proxy both answer with these, so they live below both."""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from sqlalchemy.orm import Session

from .members import find_member
from .models import Shop
from .money import display, format_minor_string
from .rewards import reward_view, rewards_of
from .settings import current_settings


def balances_of(session: Session, shop: Shop, platform_customer_id: str) -> dict[str, Any]:
    """The `me` answer. A shopper who is not a member yet has zero balances (`member: false`)."""
    member = find_member(session, shop.id, platform_customer_id)
    currency, locale = shop.currency, _locale(shop.language)
    points = (member.points_available, member.points_pending, member.lifetime_points) if member else (0, 0, 0)
    cashback = (member.cashback_available, member.cashback_pending) if member else (0, 0)
    return {
        "member": member is not None,
        "currency": currency,
        "balances": {
            "points_available": points[0],
            "points_pending": points[1],
            "lifetime_points": points[2],
            "cashback_available": format_minor_string(cashback[0], currency),
            "cashback_pending": format_minor_string(cashback[1], currency),
        },
        # Formatted by local habit, as the merchant pages show them (Rp 10.000, $3.62).
        "display": {
            "cashback_available": display(cashback[0], currency, locale),
            "cashback_pending": display(cashback[1], currency, locale),
        },
    }


def _locale(language: str) -> str:
    """Babel's name for the shop's language ("id-ID" → "id_ID"); English when Babel has no such locale."""
    try:
        return str(Locale.parse(language.replace("-", "_")))
    except (ValueError, TypeError, UnknownLocaleError):
        return "en"


def programme_of(session: Session, shop: Shop) -> dict[str, Any]:
    """The `program` answer: the earning rules and rewards anyone may read. Nothing personal."""
    settings = current_settings(shop)
    return {
        "currency": shop.currency,
        "language": shop.language,
        "earning": {
            "points_per_unit": str(settings["points_per_unit"]),
            "cashback_percent": str(settings["cashback_percent"]),
            "pending_days": int(settings["pending_days"]),
        },
        "rewards": [reward_view(reward) for reward in rewards_of(session, shop.id)],
    }

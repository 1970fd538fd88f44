"""Shopper emails rendered from the event: subject, plain text and HTML (Jinja), in the shop's
language, with the shop's name, colour and logo. The texts are texts.py's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .texts import COMMON, EMAILS, LANGUAGES

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    keep_trailing_newline=True,
)
COLOUR = re.compile(r"#[0-9a-fA-F]{6}\Z")
DEFAULT_COLOUR = "#0f766e"


@dataclass(frozen=True)
class Brand:
    """The shop as its emails show it."""

    name: str
    language: str
    currency: str
    colour: str = DEFAULT_COLOUR
    logo_url: str | None = None


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else "en"


def _number(value: Any, language: str) -> str:
    return format_decimal(int(value or 0), locale=language)


def _date(value: Any, language: str) -> str:
    if not value:
        return ""
    moment = value if isinstance(value, date) else datetime.fromisoformat(str(value))
    return format_date(moment, "long", locale=language)


def _amount(value: Any, currency: str, language: str) -> str:
    try:
        amount = Decimal(str(value or "0"))
    except InvalidOperation:
        amount = Decimal(0)
    return format_currency(amount, currency, locale=language)


def _value(data: dict[str, Any], currency: str, language: str) -> str:
    kind, value = data.get("value_type"), data.get("value")
    if kind == "percentage":
        return f"{format_decimal(Decimal(str(value or 0)), locale=language)}%"
    if kind == "free_shipping":
        return "free shipping" if language == "en" else "gratis ongkir"
    return _amount(value, currency, language)


def fill(kind: str, brand: Brand, data: dict[str, Any]) -> dict[str, str]:
    """The placeholders of `kind`'s texts, formatted for the brand's language."""
    language = language_of(brand.language)
    texts = EMAILS[kind][language]
    values = {
        "shop": brand.name,
        "points": _number(data.get("points"), language),
        "order": str(data.get("order_name") or data.get("order_id") or ""),
        "code": str(data.get("code") or ""),
        "value": _value(data, brand.currency, language),
        "amount": _amount(data.get("cashback"), brand.currency, language),
        "tier": str(data.get("tier") or ""),
        "days": str(data.get("days_before") or ""),
        "date": _date(data.get("expires_at") or data.get("available_at"), language),
    }
    if kind == "points_earned":
        state = "pending" if data.get("state") == "pending" else "available"
        values["availability"] = texts[state].format(**values)
    return values


def render(
    kind: str, brand: Brand, data: dict[str, Any], balance: int | None, name: str | None, unsubscribe_url: str
) -> Rendered:
    language = language_of(brand.language)
    texts, common = EMAILS[kind][language], COMMON[language]
    values = fill(kind, brand, data)
    context = {
        "language": language,
        "shop": brand.name,
        "colour": brand.colour if COLOUR.match(brand.colour or "") else DEFAULT_COLOUR,
        "logo_url": brand.logo_url if (brand.logo_url or "").startswith("https://") else None,
        "greeting": common["greeting"].format(name=name) if name else common["greeting_plain"],
        "heading": texts["heading"].format(**values),
        "body": texts["body"].format(**values),
        "code": values["code"] if kind == "code_issued" else None,
        "balance": common["balance"].format(balance=_number(balance, language)) if balance is not None else None,
        "why": common["why"].format(shop=brand.name),
        "unsubscribe": common["unsubscribe"],
        "unsubscribe_url": unsubscribe_url,
    }
    subject = texts["subject"].format(**values)
    return Rendered(
        subject, _ENV.get_template("email.txt").render(context), _ENV.get_template("email.html").render(context)
    )

"""Money: Decimal in code, integer minor units in the database, exponents from ISO 4217 (Babel)."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal

from babel.numbers import format_currency, format_decimal, get_currency_precision

# Numbers written as text take ASCII digits only: Decimal() and int() would also read "٣" (Arabic-
# Indic three), "1_000" and surrounding whitespace, which no merchant or platform means.
DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?", re.ASCII)
WHOLE_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)
MAX_NUMBER_TEXT = 40  # characters: more is no amount anyone means (and costs time to read)


def decimal_from_text(text: str) -> Decimal:
    """ "181.09", "-5", "1E+3" as a Decimal; ValueError for anything else (non-ASCII digits,
    underscores, spaces, NaN, Infinity, more than MAX_NUMBER_TEXT characters)."""
    if len(text) > MAX_NUMBER_TEXT or not DECIMAL_TEXT.fullmatch(text):
        raise ValueError(f"not a decimal number: {text[:MAX_NUMBER_TEXT]!r}")
    return Decimal(text)


def integer_from_text(text: str) -> int:
    """ "42", "-7" as an int; ValueError for anything else (as decimal_from_text)."""
    if len(text) > MAX_NUMBER_TEXT or not WHOLE_TEXT.fullmatch(text):
        raise ValueError(f"not a whole number: {text[:MAX_NUMBER_TEXT]!r}")
    return int(text)


def places_of(value: Decimal) -> int:
    """Digits after the decimal point as written: "1.50" has 2, "15" and "1E+3" have 0."""
    exponent_ = value.as_tuple().exponent
    return -exponent_ if isinstance(exponent_, int) and exponent_ < 0 else 0


def exponent(currency: str) -> int:
    """Digits after the decimal point for `currency`, from Babel's data (IDR 0, USD 2, JPY 0)."""
    return int(get_currency_precision(currency.upper()))


def parse_amount(text: str | int | float | Decimal | None) -> Decimal:
    """An amount ("181.09", or a JSON number) as Decimal; None or "" is zero; ValueError for text
    that is not a plain decimal number (decimal_from_text)."""
    if text is None or text == "":
        return Decimal(0)
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValueError(f"not an amount: {text!r}")
        return text
    if isinstance(text, float):
        text = repr(text)  # JSON numbers in some payloads (refund line subtotal): exact repr
    return decimal_from_text(str(text))


def to_minor(amount: Decimal, currency: str) -> int:
    """Decimal major units → integer minor units, rounded down."""
    scaled = amount.scaleb(exponent(currency)).to_integral_value(rounding=ROUND_DOWN)
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def format_minor_string(minor: int, currency: str) -> str:
    """Minor units as a plain decimal string for APIs: 362 USD → "3.62", 10000 IDR → "10000"."""
    digits = exponent(currency)
    value = from_minor(minor, currency)
    return f"{value:.{digits}f}"


def display(minor: int, currency: str, locale: str = "en") -> str:
    """An amount for a reader of `locale`: the reader's language sets the separators, the currency
    its symbol and digits (Babel's CLDR data, as the widget's Intl.NumberFormat: widgets/src/format.js
    S.money). Rupiah is always written "Rp" without decimals: "Rp 10,000" in English, "Rp 10.000" in
    Indonesian; others as CLDR has them: "$1,234.50" / "US$1.234,50"."""
    value = from_minor(minor, currency)
    if currency.upper() == "IDR":
        return f"Rp {format_decimal(int(value), locale=locale)}"
    return format_currency(value, currency.upper(), locale=locale)

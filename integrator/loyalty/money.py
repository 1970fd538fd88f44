"""Money: Decimal in code, integer minor units in the database, exponents from ISO 4217 (Babel)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision


def exponent(currency: str) -> int:
    """Digits after the decimal point for `currency`, from Babel's data (IDR 0, USD 2, JPY 0)."""
    return int(get_currency_precision(currency.upper()))


def parse_amount(text: str | int | float | Decimal | None) -> Decimal:
    """A platform amount ("181.09") as Decimal; floats are refused, None is zero."""
    if text is None or text == "":
        return Decimal(0)
    if isinstance(text, float):
        text = repr(text)  # JSON numbers in some payloads (refund line subtotal): exact repr
    try:
        value = Decimal(str(text))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return value


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
    """Local habit: Rupiah without decimals ("Rp 10.000"), others with their usual digits."""
    value = from_minor(minor, currency)
    if currency.upper() == "IDR":
        whole = f"{int(value):,}".replace(",", ".")
        return f"Rp {whole}"
    return format_currency(value, currency.upper(), locale=locale)

"""Reading a platform's payload values: amounts, keys, texts, times, headers, product ids. Each
bounded so that no value a platform (or someone posing as one) sends can exceed what Setia stores;
anything else is a PayloadError (the delivery fails for good, with the reason)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol


class PayloadError(ValueError):
    """A verified delivery whose body cannot be understood; recorded as failed, never retried."""


# Amounts are stored as integer minor units in 64-bit columns (at most 9.2e18): 15 digits before
# the point leave room for a currency's 3 minor digits and for sums of a few of them. More digits
# after the point than 12 say nothing a shop could charge.
MAX_WHOLE_DIGITS = 15
MAX_FRACTION_DIGITS = 12
AMOUNT_LIMIT = Decimal(10) ** MAX_WHOLE_DIGITS
DECIMAL_TEXT = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")


def strict_decimal(text: str) -> Decimal:
    """A plain decimal number written as people and platforms write amounts: ASCII digits, an
    optional leading minus and decimal point, at most MAX_WHOLE_DIGITS digits before the point
    and MAX_FRACTION_DIGITS after. Python's Decimal() also takes "1e30", "1_000", "٣", "NaN" and
    "Infinity"; this refuses them (ValueError saying why)."""
    match = DECIMAL_TEXT.fullmatch(text)
    if match is None:
        raise ValueError(f"not a plain decimal number: {text[:40]!r}")
    whole, fraction = match.group(1), match.group(2) or ""
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
        raise ValueError(
            f"more digits than an amount can hold ({MAX_WHOLE_DIGITS} before the point, "
            f"{MAX_FRACTION_DIGITS} after): {text[:40]!r}"
        )
    return Decimal(text)


def to_amount(value: Any, field: str) -> Decimal:
    """A platform amount ("181.09", or a JSON number in some payloads) as an exact Decimal; empty is
    zero; anything else (exponents, NaN, non-ASCII digits, more digits than the columns hold) is a
    PayloadError naming the field."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PayloadError(f"{field}: not an amount: {str(value)[:40]!r}")
    try:
        return strict_decimal(repr(value) if isinstance(value, float) else str(value))
    except ValueError as exc:
        raise PayloadError(f"{field}: {exc}") from exc


def bounded(amount: Decimal, field: str) -> Decimal:
    """A computed amount (a sum of amounts) that still fits the columns, else a PayloadError."""
    if abs(amount) >= AMOUNT_LIMIT:
        raise PayloadError(f"{field}: more than an amount can hold ({MAX_WHOLE_DIGITS} digits): {amount:.0f}")
    return amount


def _unstorable(text: str) -> bool:
    """Control characters (NUL: PostgreSQL text cannot hold it) and lone surrogates (not UTF-8)."""
    return any(unicodedata.category(char) in ("Cc", "Cs") for char in text)


def to_key(value: Any, field: str, max_length: int = 64) -> str:
    """An identifier (an id, an email) as text, exactly as sent or a PayloadError: cutting or
    cleaning it would make it name something else. Integers and non-blank strings only."""
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value).strip() == "":
        raise PayloadError(f"{field} is missing")
    text = value if isinstance(value, str) else str(value)
    if len(text) > max_length:
        raise PayloadError(f"{field}: longer than {max_length} characters: {text[:40]!r}...")
    if _unstorable(text):
        raise PayloadError(f"{field}: holds control characters: {text[:40]!r}")
    return text


def to_text(value: Any, max_length: int) -> str | None:
    """Display text (a name, an order name): None unless a non-blank string; control characters
    and lone surrogates removed and the rest cut to max_length, which loses nothing that matters."""
    if not isinstance(value, str):
        return None
    if _unstorable(value):
        value = "".join(char for char in value if unicodedata.category(char) not in ("Cc", "Cs"))
    return value[:max_length] if value.strip() else None


MAX_PRODUCT_IDS = 250  # an order's distinct products kept for campaign limits; more are ignored


def line_product_ids(lines: Any) -> tuple[str, ...] | None:
    """`line_items[].product_id` (Shopify and WooCommerce alike): the distinct non-empty ids, as text;
    None when the payload has no line items list. A custom line (null) or a deleted product (0) has none."""
    if not isinstance(lines, list):
        return None
    found: list[str] = []
    for line in lines:
        value = line.get("product_id") if isinstance(line, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | str) or str(value).strip() in ("", "0"):
            continue
        text = str(value).strip()
        if len(text) <= 64 and not _unstorable(text) and text not in found:
            found.append(text)
        if len(found) >= MAX_PRODUCT_IDS:
            break
    return tuple(found)


class Headers(Protocol):
    def get(self, key: str) -> str | None: ...


def header(headers: Headers, name: str) -> str:
    """A delivery header's value stripped, printable characters only: a NUL, which a server may
    pass on, cannot be stored in PostgreSQL, and these values are only keys and names."""
    value = headers.get(name) or ""
    return "".join(char for char in value if char.isprintable()).strip()


def to_time(value: Any, field: str, naive_is_utc: bool = False) -> datetime | None:
    """A platform timestamp; empty is None. A timestamp without a zone is UTC when the platform
    says so (WooCommerce's `*_gmt` fields), otherwise a PayloadError. One the UTC calendar cannot
    hold (9999-12-31T23:00:00-05:00) is a PayloadError too."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise PayloadError(f"{field}: not a timestamp: {str(value)[:40]!r}") from exc
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise PayloadError(f"{field}: timestamp without a time zone: {value!r}")
        return parsed.replace(tzinfo=UTC)
    try:
        in_utc = parsed.astimezone(UTC)
    except OverflowError as exc:
        raise PayloadError(f"{field}: out of range: {value!r}") from exc
    return in_utc if naive_is_utc else parsed


def first_text(*values: Any) -> str | None:
    """The first value that is a non-blank text (at most 255 characters), stripped; None if none."""
    for value in values:
        text = to_text(value, 255)
        if text and text.strip():
            return text.strip()
    return None


def sub_object(payload: dict[str, Any], key: str) -> dict[str, Any]:
    """payload[key] when it is an object, else an empty one (a platform may send null or a list)."""
    value = payload.get(key)
    return value if isinstance(value, dict) else {}

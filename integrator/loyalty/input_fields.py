"""Marshmallow fields for what merchants and shoppers send: text the database can store, and numbers
written with ASCII digits only, with bounded decimals. Every input schema (API, merchant pages,
settings, rewards) uses these instead of marshmallow's String, Decimal and non-strict Integer."""

from __future__ import annotations

import numbers
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields

from .money import MAX_NUMBER_TEXT, decimal_from_text, integer_from_text, places_of

# Only what the OpenAPI document should add to the field's own description.
_DECIMAL_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$"


def storable_text(text: str) -> None:
    """A validator: text PostgreSQL can store, without a NUL character (text columns refuse it) or
    an unpaired surrogate ("\\ud800" in JSON, which has no UTF-8 form)."""
    if "\x00" in text:
        raise ValidationError("Must not contain NUL characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Must be valid Unicode text.") from None


class PlainText(fields.String):
    """A string PostgreSQL can store (storable_text)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        storable_text(text)
        return text


class DecimalText(fields.Decimal):
    """A decimal as a string of ASCII digits ("12.5", "-3", "1E+3") or a JSON number, finite, with
    at most `max_places` digits after the point as written; kept and shown as a string."""

    default_error_messages = {
        "invalid": 'Not a valid decimal number: ASCII digits like "12.5" are expected.',
        "places": "At most {max_places} digits after the decimal point.",
    }

    def __init__(self, *, max_places: int, **kwargs: Any) -> None:
        metadata = {"pattern": _DECIMAL_PATTERN, "maxLength": MAX_NUMBER_TEXT, **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, allow_nan=False, places=None, metadata=metadata, **kwargs)
        self.max_places = max_places

    def _validated(self, value: Any) -> Decimal:
        if isinstance(value, str):
            try:
                number = decimal_from_text(value)
            except ValueError:
                raise self.make_error("invalid") from None
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            number = super()._validated(value)
            if not number.is_finite():
                raise self.make_error("special")
        else:
            raise self.make_error("invalid")
        if places_of(number) > self.max_places:
            raise self.make_error("places", max_places=self.max_places)
        return number


class WholeNumber(fields.Integer):
    """An integer given as a number or, in a query string or form, as ASCII digits ("١" and "1_0"
    are refused, which int() would read)."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, str):
            try:
                return integer_from_text(value)
            except ValueError:
                raise self.make_error("invalid") from None
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        return super()._validated(value)

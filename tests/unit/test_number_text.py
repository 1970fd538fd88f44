"""The one grammar of numbers written as text (money.py): ASCII digits only, which Decimal() and
int() are not (they read "٣", "1_000" and spaces)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrator.loyalty.money import decimal_from_text, integer_from_text, parse_amount, places_of


@pytest.mark.parametrize(
    ("text", "value"),
    [("181.09", "181.09"), ("-5", "-5"), ("+.5", "0.5"), ("7.", "7"), ("1E+3", "1000"), ("2e-2", "0.02")],
)
def test_plain_decimals_are_read(text: str, value: str) -> None:
    assert decimal_from_text(text) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    ["\u0663", "1_000", " 1", "1 ", "", ".", "NaN", "Infinity", "1e99999", "１", "0x10", "1" * 41, "1,5", "--1"],
)
def test_anything_else_is_not_a_decimal(text: str) -> None:
    with pytest.raises(ValueError):
        decimal_from_text(text)
    if text:  # parse_amount reads "" as zero (an empty platform field)
        with pytest.raises(ValueError):
            parse_amount(text)


@pytest.mark.parametrize("text", ["\u0663", "1_000", " 1", "1.0", "1e3", "", "+", "9" * 41])
def test_whole_numbers_are_ascii_digits_only(text: str) -> None:
    with pytest.raises(ValueError):
        integer_from_text(text)
    assert integer_from_text("-42") == -42


def test_places_are_counted_as_written() -> None:
    assert [places_of(Decimal(t)) for t in ("1.50", "15", "1E+3", "0.000001")] == [2, 0, 0, 6]

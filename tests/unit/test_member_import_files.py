"""Reading and checking a file of opening balances, and the CSV export's cells: pure functions."""

from __future__ import annotations

import pytest

from integrator.loyalty import exports, imports
from integrator.loyalty.imports import ImportRefused, OpeningBalance, check_file, customer_id_of, read_text

HEADER = "platform_customer_id,email,points,cashback,first_name,last_name\n"


def problems_of(text: str, currency: str = "USD") -> dict[int, list[tuple[str, str, str]]]:
    return {row.row: row.problems for row in check_file(text, currency).rejected}


def test_good_rows_become_opening_balances_in_minor_units() -> None:
    checked = check_file(HEADER + "1,a@example.com,100,3.5,Ani,Wijaya\n2,,0,,,\n", "USD")
    assert checked.rejected == []
    assert checked.balances == [
        OpeningBalance(2, "1", "a@example.com", "Ani", "Wijaya", 100, 350),
        OpeningBalance(3, "2", None, None, None, 0, 0),
    ]


def test_cashback_follows_the_currency_exponent() -> None:
    assert check_file(HEADER + "1,,1,15000,,\n", "IDR").balances[0].cashback == 15000
    assert problems_of(HEADER + "1,,1,150.5,,\n", "IDR") == {2: [("cashback", "too_many_decimals", "0")]}
    assert problems_of(HEADER + "1,,1,1.234,,\n", "USD") == {2: [("cashback", "too_many_decimals", "2")]}
    assert check_file(HEADER + "1,,1,1.230,,\n", "USD").balances[0].cashback == 123  # a trailing zero is exact


@pytest.mark.parametrize(
    ("points", "code"),
    [("-5", "negative"), ("1.5", "not_whole_number"), ("1,000", None), ("1e3", "not_whole_number"), ("", "required")],
)
def test_points_must_be_a_whole_non_negative_number(points: str, code: str | None) -> None:
    if code is None:  # "1,000" splits into two cells: an extra cell, and points "1"
        assert problems_of(f"platform_customer_id,email,points\n1,,{points}\n") == {2: [("", "extra_cells", "1")]}
        return
    assert problems_of(f"platform_customer_id,email,points\n1,,{points}\n") == {2: [("points", code, "")]}


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    found = problems_of(HEADER + f"{'x' * 65},not-an-email,-1,abc,,\n")
    assert found == {
        2: [
            ("platform_customer_id", "too_long", "64"),
            ("email", "not_email", ""),
            ("points", "negative", ""),
            ("cashback", "not_amount", ""),
        ]
    }


def test_duplicates_reject_every_row_of_the_customer_or_email() -> None:
    text = HEADER + "1,a@example.com,1,,,\n2,b@example.com,1,,,\n1,c@example.com,-1,,,\n3,B@Example.com,1,,,\n4,,1,,,\n"
    checked = check_file(text, "USD")
    assert [b.row for b in checked.balances] == [6]
    rejected = {row.row: row.problems for row in checked.rejected}
    assert rejected[2] == [("platform_customer_id", "duplicate", "4")]
    assert rejected[4] == [("points", "negative", ""), ("platform_customer_id", "duplicate", "2")]
    assert rejected[3] == [("email", "duplicate", "5")] and rejected[5] == [("email", "duplicate", "3")]


def test_header_problems_refuse_the_whole_file() -> None:
    cases = {
        "platform_customer_id,email,points,tier\n1,,1,gold\n": ("unknown_columns", {"columns": ["tier"]}),
        "platform_customer_id,points\n1,1\n": ("missing_columns", {"columns": ["email"]}),
        "platform_customer_id,email,points,points\n1,,1,1\n": ("repeated_columns", {"columns": ["points"]}),
        "platform_customer_id,email,points\n\n\n": ("no_rows", None),
        "": ("no_header", {"columns": list(imports.REQUIRED + imports.OPTIONAL)}),
        'platform_customer_id,email,points\n"1,,1\n': ("bad_csv", None),
    }
    for text, (code, details) in cases.items():
        with pytest.raises(ImportRefused) as refused:
            check_file(text, "USD")
        assert refused.value.code == code, text
        if details is not None:
            assert refused.value.details == details


def test_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    with pytest.raises(ImportRefused) as refused:
        check_file("platform_customer_id,email,points\n1,,1\n2,,1\n3,,1\n", "USD")
    assert refused.value.code == "too_many_rows"
    with pytest.raises(ImportRefused) as too_big:
        read_text(b"x" * (imports.MAX_BYTES + 1))
    assert too_big.value.code == "too_large"
    with pytest.raises(ImportRefused) as latin:
        read_text("é".encode("latin-1"))
    assert latin.value.code == "not_utf8"


def test_spreadsheet_habits_are_understood() -> None:
    text = read_text(
        "\ufeffPoints;EMAIL;platform_customer_id\r\n7;a@example.com;gid://shopify/Customer/42\r\n\r\n".encode()
    )
    assert check_file(text, "USD").balances == [OpeningBalance(2, "42", "a@example.com", None, None, 7, 0)]
    quoted = check_file('platform_customer_id,email,points,first_name\n1,,5,"Siti, ""Sri"""\n', "USD")
    assert quoted.balances[0].first_name == 'Siti, "Sri"'
    assert customer_id_of("gid://shopify/Customer/1") == "1" and customer_id_of("wc-9") == "wc-9"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+62 812", "'+62 812"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        (" =1+1", "' =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\r@SUM(A1)", "'\r@SUM(A1)"),
        ("\t-2+3", "'\t-2+3"),
        ("\nplain", "'\nplain"),
        ("\u3000\u00a0+62 812", "'\u3000\u00a0+62 812"),
        ("\u200b=1+1", "'\u200b=1+1"),
        ('\uff1dHYPERLINK("http://x")', '\'\uff1dHYPERLINK("http://x")'),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        (" \uff1d1", "' \uff1d1"),
        ("-\u0663", "'-\u0663"),
        ("Siti Nurhaliza", "Siti Nurhaliza"),
        (" Siti", " Siti"),
        ("-20", "-20"),
        ("-3.62", "-3.62"),
        (-20, "-20"),
        ("jane@example.com", "jane@example.com"),
        (None, ""),
    ],
)
def test_export_cells_never_start_a_formula(value: object, cell: str) -> None:
    assert exports.safe_cell(value) == cell

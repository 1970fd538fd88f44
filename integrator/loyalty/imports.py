"""Opening balances from another loyalty app, as a CSV file: reading and checking it, row by row
(pure functions). Applying the checked rows is in opening_balances.py. Format: docs/csv.md.

Problems are codes with a detail (the merchant pages translate them), never sentences."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import DomainError
from .members import email_key
from .money import exponent, parse_amount, to_minor

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_POINTS = 1_000_000_000
REQUIRED = ("platform_customer_id", "email", "points")
OPTIONAL = ("cashback", "first_name", "last_name")
LENGTHS = {"platform_customer_id": 64, "email": 320, "first_name": 255, "last_name": 255, "points": 20, "cashback": 30}
# ASCII digits: \d alone also matches "٣" (Arabic-Indic three), which int() and Decimal() read.
WHOLE = re.compile(r"[0-9]+")
AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SHOPIFY_GID = re.compile(r"gid://shopify/Customer/(\d+)")


class ImportRefused(DomainError):
    """The file as a whole cannot be read (nothing is imported): `code` says why, `details` lists
    what (column names, limits)."""

    status = 422

    def __init__(self, code: str, details: object = None) -> None:
        super().__init__(code, details)
        self.code = code


@dataclass(frozen=True)
class OpeningBalance:
    row: int  # the record's number in the file, as a spreadsheet numbers its rows (the header is 1)
    platform_customer_id: str
    email: str | None
    first_name: str | None
    last_name: str | None
    points: int
    cashback: int  # minor units of the shop's currency


@dataclass
class RowProblems:
    row: int
    platform_customer_id: str
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (column, code, detail)


@dataclass
class CheckedFile:
    balances: list[OpeningBalance]
    rejected: list[RowProblems]

    @property
    def rows(self) -> int:
        return len(self.balances) + len(self.rejected)


def read_text(content: bytes) -> str:
    """The file's text: UTF-8 (with or without the byte order mark spreadsheets write), within the limit."""
    if len(content) > MAX_BYTES:
        raise ImportRefused("too_large", {"max_bytes": MAX_BYTES})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused("not_utf8") from exc
    if "\x00" in text:
        raise ImportRefused("nul_character")  # no spreadsheet writes one; PostgreSQL text cannot hold it
    return text


def check_file(text: str, currency: str) -> CheckedFile:
    """Every row of the file, read and checked: the good ones as opening balances, the others with
    their problems. Refuses the whole file when its header is wrong or it has too many rows."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","  # spreadsheets set to Indonesian write ";"
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise ImportRefused("bad_csv", {"message": str(exc)}) from exc
    header = _header(records[0] if records else [])
    body = [(number, cells) for number, cells in enumerate(records[1:], start=2) if any(c.strip() for c in cells)]
    if not body:
        raise ImportRefused("no_rows")
    if len(body) > MAX_ROWS:
        raise ImportRefused("too_many_rows", {"max_rows": MAX_ROWS, "rows": len(body)})
    checked = CheckedFile([], [])
    for number, cells in body:
        result = check_row(number, header, cells, currency)
        if isinstance(result, RowProblems):
            checked.rejected.append(result)
        else:
            checked.balances.append(result)
    return _reject_duplicates(checked)


def _header(cells: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in cells]
    if not any(names):
        raise ImportRefused("no_header", {"columns": list(REQUIRED + OPTIONAL)})
    unknown = sorted({name for name in names if name not in REQUIRED + OPTIONAL})
    if unknown:
        raise ImportRefused("unknown_columns", {"columns": unknown})
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ImportRefused("missing_columns", {"columns": missing})
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ImportRefused("repeated_columns", {"columns": repeated})
    return names


def check_row(number: int, header: list[str], cells: list[str], currency: str) -> OpeningBalance | RowProblems:
    values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
    customer_id = customer_id_of(values["platform_customer_id"])
    problems = RowProblems(number, customer_id[:64])
    if len(cells) > len(header):
        problems.problems.append(("", "extra_cells", str(len(cells) - len(header))))
    for name, value in values.items():
        if len(value) > LENGTHS[name]:
            problems.problems.append((name, "too_long", str(LENGTHS[name])))
    if not customer_id:
        problems.problems.append(("platform_customer_id", "required", ""))
    if values["email"] and not EMAIL.fullmatch(values["email"]):
        problems.problems.append(("email", "not_email", ""))
    points = _whole_points(values["points"], problems)
    cashback = _cashback(values.get("cashback", ""), currency, problems)
    if problems.problems:
        return problems
    return OpeningBalance(
        number,
        customer_id,
        values["email"] or None,
        values.get("first_name") or None,
        values.get("last_name") or None,
        points,
        cashback,
    )


def customer_id_of(text: str) -> str:
    """The platform's customer id; Shopify's GraphQL id (gid://shopify/Customer/123) is 123."""
    match = SHOPIFY_GID.fullmatch(text)
    return match.group(1) if match else text


def _whole_points(text: str, problems: RowProblems) -> int:
    if not text:
        problems.problems.append(("points", "required", ""))
        return 0
    if text.startswith("-") and WHOLE.fullmatch(text[1:]):
        problems.problems.append(("points", "negative", ""))
        return 0
    if not WHOLE.fullmatch(text):
        problems.problems.append(("points", "not_whole_number", ""))
        return 0
    if int(text) > MAX_POINTS:
        problems.problems.append(("points", "too_big", str(MAX_POINTS)))
        return 0
    return int(text)


def _cashback(text: str, currency: str, problems: RowProblems) -> int:
    """An amount in the shop's currency with a decimal point ("3.62", "10000"); never rounded."""
    if not text:
        return 0
    if text.startswith("-") and AMOUNT.fullmatch(text[1:]):
        problems.problems.append(("cashback", "negative", ""))
        return 0
    if not AMOUNT.fullmatch(text):
        problems.problems.append(("cashback", "not_amount", ""))
        return 0
    amount = parse_amount(text)
    digits = exponent(currency)
    if amount != amount.quantize(Decimal(1).scaleb(-digits)):
        problems.problems.append(("cashback", "too_many_decimals", str(digits)))
        return 0
    minor = to_minor(amount, currency)
    if minor > 10**15:
        problems.problems.append(("cashback", "too_big", ""))
        return 0
    return minor


def _reject_duplicates(checked: CheckedFile) -> CheckedFile:
    """A customer (or an email) on several rows: which row is right is the merchant's call, so none
    of them is imported."""
    rows_of: dict[tuple[str, str], list[int]] = defaultdict(list)
    for balance in checked.balances:
        rows_of[("platform_customer_id", balance.platform_customer_id)].append(balance.row)
        if balance.email:
            rows_of[("email", email_key(balance.email) or "")].append(balance.row)
    for problems in checked.rejected:  # a rejected row still makes its twins ambiguous
        if problems.platform_customer_id:
            rows_of[("platform_customer_id", problems.platform_customer_id)].append(problems.row)
    duplicated: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for (column, _value), rows in rows_of.items():
        if len(rows) > 1:
            for row in rows:
                others = ", ".join(str(other) for other in sorted(rows) if other != row)
                duplicated[row].append((column, "duplicate", others))
    if not duplicated:
        return checked
    kept = [balance for balance in checked.balances if balance.row not in duplicated]
    rejected = list(checked.rejected)
    for balance in checked.balances:
        if balance.row in duplicated:
            rejected.append(RowProblems(balance.row, balance.platform_customer_id, duplicated[balance.row]))
    for problems in checked.rejected:
        problems.problems.extend(duplicated.get(problems.row, []))
    rejected.sort(key=lambda item: item.row)
    return CheckedFile(kept, rejected)

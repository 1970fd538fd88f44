"""CSV exports of a shop's members and ledger, streamed: rows are read in keyset batches and written
out batch by batch, so a shop with millions of entries never sits in memory. Columns: docs/csv.md."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .models import LedgerEntry, Member, Shop
from .money import format_minor_string

BATCH = 2000
BOM = "\ufeff"  # spreadsheet programs read the file as UTF-8 only with it

MEMBER_COLUMNS = (
    "member_id",
    "platform_customer_id",
    "email",
    "first_name",
    "last_name",
    "points_available",
    "points_pending",
    "points_owed",
    "lifetime_points",
    "cashback_available",
    "cashback_pending",
    "cashback_owed",
    "currency",
    "created_at",
)
LEDGER_COLUMNS = (
    "entry_id",
    "created_at",
    "member_id",
    "platform_customer_id",
    "account",
    "state",
    "kind",
    "points",
    "cashback",
    "currency",
    "source",
    "source_id",
    "reason",
)

NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # ASCII digits only: "-٣" is text, not a number
# What a spreadsheet reads as the start of a formula, the full-width forms included (Excel and
# LibreOffice fold them to ASCII when a cell is typed or imported).
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# A cell starting with one of these is neutralised whatever follows: Excel drops or interprets
# them and may then run what comes next.
CONTROL_STARTS = frozenset("\t\r\n")
# Leading characters a spreadsheet skips before looking for a formula: whitespace (Unicode's, which
# str.lstrip knows, the ideographic space included) and invisible format characters.
SKIPPED = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]+")


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection, OWASP): text whose first
    visible character is = + - @ (ASCII or full-width), or that starts with a tab, carriage return
    or line feed, gets a leading apostrophe; plain numbers stay numbers."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    if not text or NUMBER.fullmatch(text):
        return text
    first_visible = SKIPPED.sub("", text, count=1)[:1]
    if text[0] in CONTROL_STARTS or first_visible in FORMULA_STARTS:
        return "'" + text
    return text


def csv_chunks(header: Sequence[str], batches: Iterable[list[Sequence[Any]]]) -> Iterator[str]:
    """The CSV text: the header, then one chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    yield BOM + buffer.getvalue()
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([safe_cell(cell) for cell in row] for row in rows)
        yield buffer.getvalue()


def _batches(session: Session, query: Select[Any], id_column: Any) -> Iterator[list[Any]]:
    """Rows of `query` by ascending id, BATCH at a time (keyset paging: each batch is one indexed
    range read, however deep into the table)."""
    last = 0
    while True:
        rows = list(session.execute(query.where(id_column > last).order_by(id_column).limit(BATCH)))
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def member_csv(session: Session, shop: Shop) -> Iterator[str]:
    query = select(
        Member.id,
        Member.platform_customer_id,
        Member.email,
        Member.first_name,
        Member.last_name,
        Member.points_available,
        Member.points_pending,
        Member.points_debt,
        Member.lifetime_points,
        Member.cashback_available,
        Member.cashback_pending,
        Member.cashback_debt,
        Member.created_at,
    ).where(Member.shop_id == shop.id)
    currency = shop.currency

    def rows(member: Any) -> Sequence[Any]:
        money = [format_minor_string(minor, currency) for minor in member[9:12]]
        return [*member[:9], *money, currency, member[12]]

    batches = ([rows(row) for row in batch] for batch in _batches(session, query, Member.id))
    return csv_chunks(MEMBER_COLUMNS, batches)


def ledger_csv(session: Session, shop: Shop) -> Iterator[str]:
    query = (
        select(
            LedgerEntry.id,
            LedgerEntry.created_at,
            LedgerEntry.member_id,
            Member.platform_customer_id,
            LedgerEntry.account,
            LedgerEntry.state,
            LedgerEntry.kind,
            LedgerEntry.amount,
            LedgerEntry.source,
            LedgerEntry.source_id,
            LedgerEntry.reason,
        )
        .join(Member, Member.id == LedgerEntry.member_id)
        .where(LedgerEntry.shop_id == shop.id)
    )
    currency = shop.currency

    def rows(entry: Any) -> Sequence[Any]:
        points = entry.amount if entry.account == "points" else None
        cashback = None if entry.account == "points" else format_minor_string(entry.amount, currency)
        head = (entry.id, entry.created_at, entry.member_id, entry.platform_customer_id)
        return [*head, entry.account, entry.state, entry.kind, points, cashback, currency, *entry[8:]]

    batches = ([rows(entry) for entry in batch] for batch in _batches(session, query, LedgerEntry.id))
    return csv_chunks(LEDGER_COLUMNS, batches)

"""Importing opening balances: a checked file (imports.py) is stored with its dry-run report, then
applied on the merchant's word. Each member gets at most one imported points entry and one imported
cashback entry, whatever number of times a file is imported: the ledger's idempotency key (unique
per shop) is `import:<account>:m<member id>`, so importing the same file again changes nothing, and
a file that says something else about an imported member is reported, not added on top."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .errors import NotFound
from .imports import CheckedFile, OpeningBalance, check_file, read_text
from .ledger import BALANCE_COLUMNS, NewEntry, Posting, post_batch
from .members import email_key
from .models import LedgerEntry, Member, MemberImport, Shop, utcnow
from .money import format_minor_string
from .reasons import reason as coded_reason

CHUNK = 500
STALE_APPLY = timedelta(minutes=10)  # an apply that crashed may be started again after this
KEEP_UNAPPLIED = timedelta(days=7)  # a checked file never applied is forgotten after this
ACCOUNTS = ("points", "cashback")

T = TypeVar("T")
Transaction = Callable[[Callable[[Session], T]], T]


@dataclass
class Outcome:
    row: int
    platform_customer_id: str
    status: str  # new_member | added | unchanged | rejected
    points: int = 0  # what the row adds (or would add)
    cashback: int = 0  # minor units
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    member_id: int | None = None  # once applied


def import_key(member_id: int, account: str) -> str:
    return f"import:{account}:m{member_id}"


def _lookup(session: Session, shop_id: int, chunk: list[OpeningBalance]) -> tuple[dict[str, int], dict[str, int]]:
    """The members these rows name (platform id → member id), and their imported entries (key → amount)."""
    ids = [balance.platform_customer_id for balance in chunk]
    found = session.execute(
        select(Member.platform_customer_id, Member.id).where(
            Member.shop_id == shop_id, Member.platform_customer_id.in_(ids)
        )
    )
    members: dict[str, int] = {customer_id: member_id for customer_id, member_id in found}
    keys = [import_key(member_id, account) for member_id in members.values() for account in ACCOUNTS]
    existing: dict[str, int] = {}
    if keys:
        entries = session.execute(
            select(LedgerEntry.idempotency_key, LedgerEntry.amount).where(
                LedgerEntry.shop_id == shop_id, LedgerEntry.idempotency_key.in_(keys)
            )
        )
        existing = {key: amount for key, amount in entries}
    return members, existing


def _decide(balance: OpeningBalance, member_id: int | None, existing: dict[str, int], currency: str) -> Outcome:
    outcome = Outcome(balance.row, balance.platform_customer_id, "new_member" if member_id is None else "unchanged")
    for account, amount in (("points", balance.points), ("cashback", balance.cashback)):
        if amount == 0:
            continue
        before = existing.get(import_key(member_id, account)) if member_id is not None else None
        if before is None and account == "points":
            outcome.points = amount
        elif before is None:
            outcome.cashback = amount
        elif before != amount:
            shown = str(before) if account == "points" else format_minor_string(before, currency)
            outcome.problems.append((account, "imported_before", shown))
    if outcome.problems:
        outcome.status, outcome.points, outcome.cashback = "rejected", 0, 0
    elif member_id is not None and (outcome.points or outcome.cashback):
        outcome.status = "added"
    return outcome


def plan(session: Session, shop: Shop, balances: list[OpeningBalance]) -> list[Outcome]:
    """The dry run: what applying these rows would do, row by row. Reads only."""
    outcomes: list[Outcome] = []
    for start in range(0, len(balances), CHUNK):
        chunk = balances[start : start + CHUNK]
        members, existing = _lookup(session, shop.id, chunk)
        outcomes += [_decide(b, members.get(b.platform_customer_id), existing, shop.currency) for b in chunk]
    return outcomes


def apply_chunk(
    session: Session, shop: Shop, chunk: list[OpeningBalance], import_id: int, reason: str
) -> list[Outcome]:
    """Apply these rows in the caller's transaction, in a few statements for the whole chunk: the new
    members inserted, then every entry and balance through the ledger (ledger.post_batch: one INSERT,
    one increment per member). A key that a concurrent import took fails the INSERT, and with it the
    chunk (the caller runs it again)."""
    members, existing = _lookup(session, shop.id, chunk)
    outcomes = [_decide(b, members.get(b.platform_customer_id), existing, shop.currency) for b in chunk]
    new = [balance for balance, outcome in zip(chunk, outcomes, strict=True) if outcome.status == "new_member"]
    if new:
        members.update(_enroll(session, shop, new))
    entries = []
    for balance, outcome in zip(chunk, outcomes, strict=True):
        if outcome.status not in ("new_member", "added"):
            continue
        member_id = outcome.member_id = members[balance.platform_customer_id]
        for account, amount in (("points", outcome.points), ("cashback", outcome.cashback)):
            if amount:
                posting = Posting(account, "available", amount, "import", import_key(member_id, account))
                entries.append(NewEntry(member_id, posting, "import", str(import_id), reason))
    post_batch(session, shop.id, entries)
    return outcomes


def _enroll(session: Session, shop: Shop, balances: list[OpeningBalance]) -> dict[str, int]:
    """Enrol these customers (one INSERT; one a webhook enrolled meanwhile is kept as it is); their ids."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    zero = dict.fromkeys(BALANCE_COLUMNS, 0)
    rows = [
        {
            "shop_id": shop.id,
            "platform_customer_id": b.platform_customer_id,
            "email": b.email,
            "email_key": email_key(b.email),
            "first_name": b.first_name,
            "last_name": b.last_name,
            **zero,
            "created_at": utcnow(),
        }
        for b in balances
    ]
    statement = dialect.insert(Member).on_conflict_do_nothing(index_elements=["shop_id", "platform_customer_id"])
    session.connection().execute(statement, rows)
    ids = [b.platform_customer_id for b in balances]
    found = session.execute(
        select(Member.platform_customer_id, Member.id).where(
            Member.shop_id == shop.id, Member.platform_customer_id.in_(ids)
        )
    )
    return {customer_id: member_id for customer_id, member_id in found}


def summary_of(outcomes: list[Outcome]) -> dict[str, int]:
    counts = Counter(outcome.status for outcome in outcomes)
    return {
        **{status: counts.get(status, 0) for status in ("new_member", "added", "unchanged", "rejected")},
        "rows": len(outcomes),
        "points": sum(outcome.points for outcome in outcomes),
        "cashback": sum(outcome.cashback for outcome in outcomes),
    }


def _report(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    return [asdict(outcome) for outcome in sorted(outcomes, key=lambda outcome: outcome.row)]


def _rejected(checked: CheckedFile) -> list[Outcome]:
    return [Outcome(p.row, p.platform_customer_id, "rejected", problems=p.problems) for p in checked.rejected]


def check_import(session: Session, shop: Shop, filename: str, content: bytes, actor: str) -> MemberImport:
    """Read and check an uploaded file and store it with its dry-run report (nothing else changes).
    Raises ImportRefused when the file as a whole cannot be read."""
    text = read_text(content)
    checked = check_file(text, shop.currency)
    _forget_unapplied(session, shop.id)
    outcomes = plan(session, shop, checked.balances) + _rejected(checked)
    record = MemberImport(
        shop_id=shop.id,
        actor=actor[:255],
        filename=_shown_name(filename),
        digest=hashlib.sha256(content).hexdigest(),
        content=text,
        status="checked",
        summary=summary_of(outcomes),
        report=_report(outcomes),
        created_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return record


def _shown_name(filename: str) -> str:
    """The uploaded file's name, as a label only: control characters (a NUL, which PostgreSQL text
    cannot hold, or a newline) are dropped."""
    name = "".join(char for char in filename if char.isprintable())[:255].strip()
    return name or "import.csv"


def _forget_unapplied(session: Session, shop_id: int) -> None:
    """Files checked but never applied hold customers' emails and names: they go after a week
    (their reports stay, marked expired)."""
    session.execute(
        update(MemberImport)
        .where(
            MemberImport.shop_id == shop_id,
            MemberImport.status == "checked",
            MemberImport.created_at < utcnow() - KEEP_UNAPPLIED,
        )
        .values(status="expired", content=None)
        .execution_options(synchronize_session=False)
    )


def get_import(session: Session, shop_id: int, import_id: int) -> MemberImport:
    record = session.execute(
        select(MemberImport).where(MemberImport.shop_id == shop_id, MemberImport.id == import_id)
    ).scalar_one_or_none()
    if record is None:
        raise NotFound("no such import")
    return record


def imports_of(session: Session, shop_id: int, limit: int = 20) -> list[MemberImport]:
    query = select(MemberImport).where(MemberImport.shop_id == shop_id).order_by(MemberImport.id.desc()).limit(limit)
    return list(session.execute(query).scalars())


def _claim(session: Session, shop_id: int, import_id: int) -> MemberImport | None:
    """Mark the import as being applied, unless another request is applying it (or has)."""
    now = utcnow()
    claimed = session.execute(
        update(MemberImport)
        .where(MemberImport.id == import_id, MemberImport.shop_id == shop_id, MemberImport.content.is_not(None))
        .where(
            or_(
                MemberImport.status == "checked",
                (MemberImport.status == "applying") & (MemberImport.applied_at < now - STALE_APPLY),
            )
        )
        .values(status="applying", applied_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return None
    return get_import(session, shop_id, import_id)


def apply_import(transaction: Transaction[Any], shop: Shop, import_id: int, actor: str) -> list[Outcome]:
    """Apply a checked import, CHUNK rows per transaction (`transaction` runs a function in one,
    again on a conflict). Every row is written whole or not at all; a crash half way leaves whole
    chunks, and applying again completes the rest without adding anything twice. The outcomes of
    this application: nothing when the import was applied already."""
    record = transaction(lambda session: _claim(session, shop.id, import_id))
    if record is None:
        return []  # applied already, or being applied by another request
    checked = check_file(record.content or "", shop.currency)
    reason = coded_reason("opening_balance_file", f"{record.filename} (by {actor})")[:500]
    outcomes = _rejected(checked)
    for start in range(0, len(checked.balances), CHUNK):
        chunk = checked.balances[start : start + CHUNK]

        def work(session: Session, chunk: list[OpeningBalance] = chunk) -> list[Outcome]:
            return apply_chunk(session, shop, chunk, import_id, reason)

        outcomes += transaction(work)

    def finish(session: Session) -> None:
        row = get_import(session, shop.id, import_id)
        row.status, row.content, row.applied_at = "applied", None, utcnow()
        row.summary, row.report = summary_of(outcomes), _report(outcomes)

    transaction(finish)
    return outcomes

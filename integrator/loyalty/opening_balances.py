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
from sqlalchemy.orm import Session

from connectors.base import Customer

from .errors import NotFound
from .imports import CheckedFile, OpeningBalance, check_file, read_text
from .ledger import Posting, lock_member, post
from .members import enroll
from .models import LedgerEntry, Member, MemberImport, Shop, utcnow
from .money import format_minor_string

CHUNK = 500
STALE_APPLY = timedelta(minutes=10)  # an apply that crashed may be started again after this
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
        if before is None:
            setattr(outcome, account, amount)
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
    """Apply these rows in the caller's transaction: members enrolled if new, entries posted."""
    members, existing = _lookup(session, shop.id, chunk)
    outcomes = []
    for balance in chunk:
        member_id = members.get(balance.platform_customer_id)
        outcome = _decide(balance, member_id, existing, shop.currency)
        if outcome.status == "new_member":
            customer = Customer(balance.platform_customer_id, balance.email, balance.first_name, balance.last_name)
            member = enroll(session, shop, customer)
        elif outcome.status == "added" and member_id is not None:
            member = lock_member(session, member_id)
        else:
            outcomes.append(outcome)
            continue
        for account in ACCOUNTS:
            amount = getattr(outcome, account)
            if amount:
                posting = Posting(account, "available", amount, "import", import_key(member.id, account))
                post(session, member, posting, "import", str(import_id), reason)
        outcomes.append(outcome)
    return outcomes


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
    outcomes = plan(session, shop, checked.balances) + _rejected(checked)
    record = MemberImport(
        shop_id=shop.id,
        actor=actor[:255],
        filename=(filename or "import.csv")[:255],
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


def apply_import(transaction: Transaction[Any], shop: Shop, import_id: int, actor: str) -> None:
    """Apply a checked import, CHUNK rows per transaction (`transaction` runs a function in one,
    again on a conflict). Every row is written whole or not at all; a crash half way leaves whole
    chunks, and applying again completes the rest without adding anything twice."""
    record = transaction(lambda session: _claim(session, shop.id, import_id))
    if record is None:
        return
    checked = check_file(record.content or "", shop.currency)
    reason = f"opening balance imported from {record.filename} (by {actor})"[:500]
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

"""The ledger: append-only entries, and member balances changed only in the same transaction. It is
the only writer of both (orders, adjustments, redemptions, expiry, store credit and opening balances
all go through `post`, `post_many`, `post_batch` or `spend`; tests/unit/test_ledger_only_writer.py).

Every entry carries an idempotency key unique per shop; posting the same key twice fails in the
database, never silently. Balances are recomputed from entries by `verify`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from .errors import InsufficientPoints
from .models import LedgerEntry, Member, utcnow
from .postings import Posting

ACCOUNTS = ("points", "cashback")
STATES = ("pending", "available", "debt")
BALANCE_COLUMNS = (
    "points_available",
    "points_pending",
    "points_debt",
    "lifetime_points",
    "cashback_available",
    "cashback_pending",
    "cashback_debt",
)


def effects(account: str, state: str, kind: str, amount: int) -> dict[str, int]:
    """Which member balance columns an entry moves, and by how much."""
    moved = {f"{account}_{state}": amount}
    if account == "points":
        if kind == "earn" or (kind == "adjust" and amount > 0):
            moved["lifetime_points"] = amount
        elif kind == "takeback":
            # A takeback lowers lifetime points by what it takes, wherever it takes it from:
            # pending and available entries are negative, the owed (debt) part is positive.
            moved["lifetime_points"] = -abs(amount)
    return moved


def post(
    session: Session,
    member: Member,
    posting: Posting,
    source: str,
    source_id: str | None = None,
    reason: str | None = None,
    available_at: datetime | None = None,
) -> LedgerEntry:
    """Append one entry and move the member's balances with it (same transaction)."""
    entry = _add_entry(session, member, posting, source, source_id, reason, available_at)
    moved = effects(posting.account, posting.state, posting.kind, posting.amount)
    _move_balances(session, {member.id: moved})
    return entry


@dataclass(frozen=True)
class NewEntry:
    """One entry to append with `post_batch`: whose, what, and why."""

    member_id: int
    posting: Posting
    source: str
    source_id: str | None = None
    reason: str | None = None
    available_at: datetime | None = None


def post_many(
    session: Session, member: Member, postings: list[tuple[Posting, datetime | None]], source: str, source_id: str
) -> None:
    """Append several entries of one source in one INSERT, and move the member's balances in one
    UPDATE (the hot path of an order: a handful of statements instead of two per entry)."""
    entries = [NewEntry(member.id, posting, source, source_id, None, at) for posting, at in postings]
    post_batch(session, member.shop_id, entries)


def post_batch(session: Session, shop_id: int, entries: list[NewEntry]) -> None:
    """Append entries of one shop's members in one INSERT, and move each member's balances by one
    increment, in member order (two batches at once lock rows in the same order). A taken key fails
    the whole batch, before any balance moves."""
    if not entries:
        return
    now = utcnow()
    rows = [_row(shop_id, entry, now) for entry in entries]
    session.connection().execute(insert(LedgerEntry), rows)
    moves: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entry in entries:
        posting = entry.posting
        for column, delta in effects(posting.account, posting.state, posting.kind, posting.amount).items():
            moves[entry.member_id][column] += delta
    _move_balances(session, moves)


def _row(shop_id: int, entry: NewEntry, now: datetime) -> dict[str, object]:
    posting = entry.posting
    if posting.account not in ACCOUNTS or posting.state not in STATES:
        raise ValueError(f"bad posting {posting}")
    return {
        "shop_id": shop_id,
        "member_id": entry.member_id,
        "account": posting.account,
        "state": posting.state,
        "amount": posting.amount,
        "kind": posting.kind,
        "source": entry.source,
        "source_id": entry.source_id,
        "reason": entry.reason,
        "idempotency_key": posting.key,
        "available_at": entry.available_at,
        "created_at": now,
    }


def _move_balances(session: Session, moves: dict[int, dict[str, int]]) -> None:
    """One UPDATE (one statement, several parameter sets) adding each member's deltas to its row."""
    columns = sorted({column for moved in moves.values() for column, delta in moved.items() if delta})
    for member_id in moves:
        _fresh(session).pop(member_id, None)
    if not columns:
        return
    statement = (
        update(Member)
        .where(Member.id == bindparam("member"))
        .values({column: getattr(Member, column) + bindparam(f"add_{column}") for column in columns})
    )
    params = [
        {"member": member_id, **{f"add_{column}": moves[member_id].get(column, 0) for column in columns}}
        for member_id in sorted(moves)
        if any(moves[member_id].get(column, 0) for column in columns)
    ]
    session.connection().execute(statement, params)


def _fresh(session: Session) -> dict[int, Member]:
    """Members whose loaded object holds the row's current balances in this transaction. Held
    strongly here: the session keeps unchanged objects only weakly."""
    fresh: dict[int, Member] = session.info.setdefault("fresh_members", {})
    return fresh


def mark_fresh(session: Session, member: Member) -> None:
    """`member` was just loaded locked (e.g. by an upsert ... RETURNING): lock_member may reuse it."""
    _fresh(session)[member.id] = member


def debit_available(session: Session, member: Member, account: str, amount: int) -> bool:
    """The one race-free spend: a conditional UPDATE; False when the balance is too low."""
    column = getattr(Member, f"{account}_available")
    result = session.execute(
        update(Member)
        .where(Member.id == member.id, column >= amount)
        .values({column: column - amount})
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def lock_member(session: Session, member_id: int) -> Member:
    """The member row, locked for this transaction (PostgreSQL); SQLite's BEGIN IMMEDIATE already
    serialises writers. FOR NO KEY UPDATE, not FOR UPDATE: rows that reference the member (orders,
    entries) take KEY SHARE locks on it, which FOR UPDATE would conflict with (a deadlock between
    two orders of one member)."""
    fresh = _fresh(session).get(member_id)
    if fresh is not None:
        return fresh
    member = session.execute(
        select(Member)
        .where(Member.id == member_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).scalar_one()
    mark_fresh(session, member)
    return member


@dataclass(frozen=True)
class Difference:
    member_id: int
    column: str
    stored: int
    from_entries: int


def verify(session: Session, shop_id: int | None = None) -> list[Difference]:
    """Recompute every balance from the entries and list each one that disagrees."""
    sums: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(BALANCE_COLUMNS, 0))
    query = select(LedgerEntry.member_id, LedgerEntry.account, LedgerEntry.state, LedgerEntry.kind, LedgerEntry.amount)
    if shop_id is not None:
        query = query.where(LedgerEntry.shop_id == shop_id)
    for member_id, account, state, kind, amount in session.execute(query.execution_options(yield_per=5000)):
        for column, delta in effects(account, state, kind, amount).items():
            sums[member_id][column] += delta
    members = select(Member)
    if shop_id is not None:
        members = members.where(Member.shop_id == shop_id)
    differences = []
    for member in session.execute(members).scalars():
        expected = sums.get(member.id, dict.fromkeys(BALANCE_COLUMNS, 0))
        for column in BALANCE_COLUMNS:
            stored = getattr(member, column)
            if stored != expected[column] or stored < 0:
                differences.append(Difference(member.id, column, stored, expected[column]))
    return differences


def spend(
    session: Session,
    member: Member,
    posting: Posting,
    source: str,
    source_id: str | None = None,
    reason: str | None = None,
) -> LedgerEntry:
    """Take `-posting.amount` from the available balance, or raise InsufficientPoints."""
    if posting.amount >= 0 or posting.state != "available":
        raise ValueError("spend takes a negative amount from the available balance")
    if not debit_available(session, member, posting.account, -posting.amount):
        raise InsufficientPoints(f"not enough {posting.account} available")
    _fresh(session).pop(member.id, None)
    return _add_entry(session, member, posting, source, source_id, reason, None)


def _add_entry(
    session: Session,
    member: Member,
    posting: Posting,
    source: str,
    source_id: str | None,
    reason: str | None,
    available_at: datetime | None,
) -> LedgerEntry:
    if posting.account not in ACCOUNTS or posting.state not in STATES:
        raise ValueError(f"bad posting {posting}")
    entry = LedgerEntry(
        shop_id=member.shop_id,
        member_id=member.id,
        account=posting.account,
        state=posting.state,
        amount=posting.amount,
        kind=posting.kind,
        source=source,
        source_id=source_id,
        reason=reason,
        idempotency_key=posting.key,
        available_at=available_at,
    )
    session.add(entry)
    session.flush()  # the unique key is checked here, before any balance moves
    return entry

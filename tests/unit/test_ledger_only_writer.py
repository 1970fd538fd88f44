"""The ledger (integrator/loyalty/ledger.py) is the only code that appends entries or moves a member's
balances: every other module goes through its functions, so `ledger verify` has one writer to trust."""

import re
from pathlib import Path

import integrator

ROOT = Path(integrator.__file__).parent
LEDGER = ROOT / "loyalty" / "ledger.py"
BALANCES = r"(points|cashback)_(available|pending|debt)|lifetime_points"
WRITES = {
    "an INSERT of ledger entries": re.compile(r"insert\(\s*LedgerEntry\b"),
    "a new LedgerEntry object": re.compile(r"(?<!class )\bLedgerEntry\("),
    "an UPDATE of members": re.compile(r"update\(\s*Member\b"),
    "a member balance assigned": re.compile(rf"\bmember\w*\.({BALANCES})\s*[-+]?=(?!=)"),
    "a member balance set by name": re.compile(
        r"setattr\(\s*member\w*,\s*f?[\"'][^\"']*(points|cashback|_available|_pending|_debt)"
    ),
}


def writes_outside_the_ledger() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == LEDGER:
            continue
        text = path.read_text(encoding="utf-8")
        for what, pattern in WRITES.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT.parent)}:{line}: {what}")
    return found


def test_only_the_ledger_writes_entries_and_balances():
    assert writes_outside_the_ledger() == []


def test_the_check_sees_a_write_planted_in_another_module():
    planted = "session.connection().execute(insert(LedgerEntry), rows)\nmember.points_available += 5\n"
    assert WRITES["an INSERT of ledger entries"].search(planted)
    assert WRITES["a member balance assigned"].search(planted)
    assert not WRITES["a member balance assigned"].search("if member.points_available == 0:")
    assert WRITES["a member balance set by name"].search('setattr(member, f"{account}_available", 0)')
    assert not WRITES["a member balance set by name"].search("setattr(member, field, value)")

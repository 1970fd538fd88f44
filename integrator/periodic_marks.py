"""What the periodic jobs leave in the database (table periodic_marks): the scheduler's heartbeat,
which GET /healthz reads (in the database, so that it is there to read while Redis is down), and
how far webhook bodies are pruned."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from integrator.loyalty.models import PeriodicMark

HEARTBEAT = "heartbeat"
BEAT_EVERY = 60  # seconds: periodic.beat's interval in the schedule
# Three missed beats: the scheduler, the workers or Redis are not running the periodic jobs.
STALE_AFTER = timedelta(seconds=3 * BEAT_EVERY)


def read(session: Session, name: str) -> datetime | None:
    mark = session.get(PeriodicMark, name)
    return mark.at if mark is not None else None


def write(session: Session, name: str, at: datetime) -> None:
    """Set the mark (two schedulers racing to create it: the loser's transaction is retried)."""
    mark = session.get(PeriodicMark, name)
    if mark is None:
        session.add(PeriodicMark(name=name, at=at))
    else:
        mark.at = at


def scheduler_health(session: Session, now: datetime) -> dict[str, Any]:
    """{"status": "ok" | "stale", "age_s": seconds since the periodic jobs last ran, None if never}."""
    last = read(session, HEARTBEAT)
    if last is None:
        return {"status": "stale", "age_s": None}
    age = max(now - last, timedelta())
    return {"status": "ok" if age <= STALE_AFTER else "stale", "age_s": int(age.total_seconds())}

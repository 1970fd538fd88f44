"""Points expiry (setting points_expiry_days): a member's available points expire when the member
has had no earning or spending activity for that many days; run by the scheduled job, once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from integrator.loyalty.models import LedgerEntry, utcnow
from integrator.periodic import SCHEDULE
from tests.conftest import requires_postgres
from tests.deliveries import fake30

pytestmark = pytest.mark.usefixtures("ledger_checked")

JANE = "1073339475"  # the FAKE30 order's customer: 181 points at the `shop` fixture's rate


def scheduled(name: str) -> Any:
    """The job as rq cron and `make run` run it: taken from the schedule, not imported by name."""
    [job] = [job for job, _ in SCHEDULE if job.__name__ == name]
    return job


def age_ledger(app: Flask, days: int) -> None:
    """Pretend everything in the ledger happened `days` ago."""
    with app.extensions["setia_db"].session() as session:
        session.execute(update(LedgerEntry).values(created_at=utcnow() - timedelta(days=days)))


def expiries(app: Flask) -> list[tuple[int, str | None]]:
    with app.extensions["setia_db"].session() as session:
        query = select(LedgerEntry.amount, LedgerEntry.reason).where(LedgerEntry.kind == "expire")
        return [(amount, reason) for amount, reason in session.execute(query)]


@pytest.fixture()
def jane(api: Any, deliver: Any) -> dict[str, Any]:
    assert api.patch("/settings", {"points_expiry_days": 30}).status_code == 200
    deliver("orders/paid", fake30())
    return api.member(JANE)


def test_the_setting_defaults_to_never_and_is_validated(api):
    assert api.get("/settings").json["points_expiry_days"] == 0
    for bad in (-1, 3651, "30", 1.5, True, None):
        response = api.patch("/settings", {"points_expiry_days": bad})
        assert response.status_code == 422 and "points_expiry_days" in response.json["details"]
    assert api.get("/settings").json["points_expiry_days"] == 0
    assert api.patch("/settings", {"points_expiry_days": 365}).json["points_expiry_days"] == 365


@pytest.mark.usefixtures("on_several_dates")  # 30 days back across month ends, a leap day, a DST change
def test_points_of_a_member_inactive_for_the_window_expire_once(app, api, jane):
    age_ledger(app, 31)
    assert scheduled("expire_points")() == 1
    member = api.member(JANE)
    assert (member["points_available"], member["lifetime_points"]) == (0, 181)
    assert member["cashback_available"] == "3.62"  # cashback is not points: it stays
    assert expiries(app) == [(-181, "no_activity: 30")]
    [newest, *_] = api.get(f"/members/{member['id']}/ledger").json["items"]
    assert (newest["kind"], newest["points"]) == ("expire", -181)
    assert scheduled("expire_points")() == 0  # the second run finds nothing to do
    assert expiries(app) == [(-181, "no_activity: 30")]


@pytest.mark.usefixtures("on_several_dates")  # the window's edge on any date
def test_a_member_active_within_the_window_keeps_the_points(app, api, jane):
    age_ledger(app, 29)
    assert scheduled("expire_points")() == 0
    assert api.member(JANE)["points_available"] == 181


def test_spending_or_an_adjustment_counts_as_activity(app, api, jane):
    age_ledger(app, 40)
    adjustment = {"points": 5, "reason": "birthday", "idempotency_key": "bday-1"}
    assert api.post(f"/members/{jane['id']}/adjustments", adjustment).status_code == 201
    assert scheduled("expire_points")() == 0
    assert api.member(JANE)["points_available"] == 186


def test_a_member_who_was_active_again_can_expire_again(app, api, jane):
    age_ledger(app, 31)
    assert scheduled("expire_points")() == 1
    adjustment = {"points": 7, "reason": "welcome back", "idempotency_key": "back-1"}
    assert api.post(f"/members/{jane['id']}/adjustments", adjustment).status_code == 201
    age_ledger(app, 45)
    assert scheduled("expire_points")() == 1
    assert [amount for amount, _ in expiries(app)] == [-181, -7]
    assert api.member(JANE)["points_available"] == 0


def test_points_never_expire_when_the_setting_is_zero(app, api, deliver):
    deliver("orders/paid", fake30())
    age_ledger(app, 3650)
    assert scheduled("expire_points")() == 0
    assert api.member(JANE)["points_available"] == 181


@requires_postgres
def test_parallel_runs_expire_once(app, api, jane):
    age_ledger(app, 31)
    barrier, results = threading.Barrier(6), []

    def run() -> None:
        with app.app_context():
            barrier.wait()
            results.append(scheduled("expire_points")())

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0] * 5 + [1]
    assert expiries(app) == [(-181, "no_activity: 30")]
    assert api.member(JANE)["points_available"] == 0

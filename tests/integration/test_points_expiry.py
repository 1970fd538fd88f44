"""Points expiry (setting points_expiry_days): a member's available points expire when the member
has had no earning or spending activity for that many days; run by the scheduled job, once; never
sooner than 30 days after expiry was turned on or shortened; members are warned 30 and 7 days ahead."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select, update

from integrator.loyalty.models import LedgerEntry, SettingsChange, utcnow
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
    """Pretend everything in the ledger happened `days` ago, and the settings changes too (turning
    expiry on starts a 30-day grace of its own: test_turning_expiry_on_expires_nobody_for_30_days)."""
    with app.extensions["setia_db"].session() as session:
        session.execute(update(LedgerEntry).values(created_at=utcnow() - timedelta(days=days)))
        session.execute(update(SettingsChange).values(created_at=utcnow() - timedelta(days=days)))


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


# --- the 30-day grace after turning expiry on or shortening it ---------------------------------------


def age_ledger_only(app: Flask, days: int) -> None:
    with app.extensions["setia_db"].session() as session:
        session.execute(update(LedgerEntry).values(created_at=utcnow() - timedelta(days=days)))


def test_turning_expiry_on_expires_nobody_for_30_days(app, api, deliver):
    deliver("orders/paid", fake30())
    age_ledger_only(app, 400)  # inactive for over a year
    switched_on = utcnow()
    assert api.patch("/settings", {"points_expiry_days": 30}).status_code == 200
    assert scheduled("expire_points")() == 0
    with time_machine.travel(switched_on + timedelta(days=29, hours=23), tick=True):
        assert scheduled("expire_points")() == 0
        assert api.member(JANE)["points_available"] == 181
    with time_machine.travel(switched_on + timedelta(days=30, minutes=1), tick=True):
        assert scheduled("expire_points")() == 1
    assert api.member(JANE)["points_available"] == 0


def test_shortening_expiry_expires_nobody_for_30_days(app, api, deliver):
    assert api.patch("/settings", {"points_expiry_days": 365}).status_code == 200
    deliver("orders/paid", fake30())
    age_ledger(app, 100)  # a year's expiry, set long ago; the member inactive for 100 days
    changed = utcnow()
    assert api.patch("/settings", {"points_expiry_days": 60}).status_code == 200
    assert scheduled("expire_points")() == 0
    with time_machine.travel(changed + timedelta(days=29), tick=True):
        assert scheduled("expire_points")() == 0
    with time_machine.travel(changed + timedelta(days=30, minutes=1), tick=True):
        assert scheduled("expire_points")() == 1


def test_lengthening_expiry_keeps_no_grace(app, api, deliver):
    assert api.patch("/settings", {"points_expiry_days": 30}).status_code == 200
    deliver("orders/paid", fake30())
    age_ledger(app, 100)
    assert api.patch("/settings", {"points_expiry_days": 60}).status_code == 200  # longer: no new grace
    assert scheduled("expire_points")() == 1


# --- the date the widget shows, and the warnings --------------------------------------------------


def test_me_shows_the_day_the_points_expire(app, client, shop, api, jane):
    from tests.integration.test_widget_api import me, signed

    secret = app.extensions["setia_box"].decrypt(_shop_row(app, shop["id"]).widget_secret_enc)
    answer = me(client, shop, signed(JANE, secret)).json
    # Earned today, 30 days' expiry, switched on today: 30 days from now either way.
    assert answer["points_expire_at"] == (utcnow() + timedelta(days=30)).date().isoformat()
    age_ledger(app, 10)
    answer = me(client, shop, signed(JANE, secret)).json
    assert answer["points_expire_at"] == (utcnow() + timedelta(days=20)).date().isoformat()


def _shop_row(app: Flask, shop_id: int) -> Any:
    from integrator.loyalty.models import Shop

    with app.extensions["setia_db"].session() as session:
        row = session.get(Shop, shop_id)
        session.expunge(row)
        return row


def expiring(app: Flask) -> list[tuple[int, str]]:
    from integrator.loyalty.models import DomainEvent

    with app.extensions["setia_db"].session() as session:
        rows = session.execute(select(DomainEvent.data).where(DomainEvent.type == "points.expiring")).scalars()
        return [(data["days_before"], data["expires_at"][:10]) for data in rows]


def test_a_short_expiry_period_gets_the_7_day_warning_only(app, api, jane):
    expires = utcnow() + timedelta(days=30)
    assert scheduled("expire_points")() == 0
    assert expiring(app) == []  # the 30-day warning would fall at the last activity: skipped
    with time_machine.travel(expires - timedelta(days=7, minutes=-1), tick=True):
        scheduled("expire_points")()
        scheduled("expire_points")()  # once, however often the job runs
    assert expiring(app) == [(7, expires.date().isoformat())]


def test_a_long_expiry_period_warns_30_and_7_days_ahead_and_activity_starts_over(app, api, deliver):
    assert api.patch("/settings", {"points_expiry_days": 365}).status_code == 200
    deliver("orders/paid", fake30())
    age_ledger(app, 300)  # 65 days to go
    assert scheduled("expire_points")() == 0 and expiring(app) == []
    age_ledger(app, 340)  # 25 days to go: the 30-day warning
    scheduled("expire_points")()
    expires = (utcnow() + timedelta(days=25)).date().isoformat()
    assert expiring(app) == [(30, expires)]
    age_ledger(app, 360)  # 5 days to go: the 7-day warning
    scheduled("expire_points")()
    later = (utcnow() + timedelta(days=5)).date().isoformat()
    assert sorted(expiring(app)) == sorted([(30, expires), (7, later)])
    member = api.member(JANE)
    adjustment = {"points": 1, "reason": "came back", "idempotency_key": "back-2"}
    assert api.post(f"/members/{member['id']}/adjustments", adjustment).status_code == 201
    scheduled("expire_points")()
    assert len(expiring(app)) == 2  # active again: nothing more until the next time comes

"""The birthday bonus through the widget API and the periodic job, on a frozen clock: given once as
month and day (`PUT`, or `POST` for the app proxy), credited on the day in the shop's time zone once
a year, 29 February on 28 February in other years, a change waiting a year (409), an impossible date
refused (422). `ledger verify` clean after each (the `ledger_checked` fixture)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from integrator import periodic
from integrator.loyalty.models import LedgerEntry, Shop
from tests.integration.test_widget_api import signed, widget_secret

pytestmark = pytest.mark.usefixtures("ledger_checked")

JAKARTA = ZoneInfo("Asia/Jakarta")  # UTC+7, no daylight saving
SHOPPER = "5550001"


@pytest.fixture()
def birthday_shop(app: Flask, shop: dict[str, Any], api: Any) -> dict[str, Any]:
    assert api.patch("/settings", {"bonus": {"birthday_points": 100}}).status_code == 200
    with app.extensions["setia_db"].session() as session:
        session.get(Shop, shop["id"]).timezone = "Asia/Jakarta"
    return shop


def put_birthday(client: Any, app: Flask, shop: dict[str, Any], body: Any, method: str = "PUT") -> Any:
    query = signed(SHOPPER, widget_secret(app, shop["id"]))
    return client.open(f"/widget/v1/{shop['public_id']}/birthday", method=method, query_string=query, json=body)


def birthday_entries(app: Flask) -> list[tuple[str, int]]:
    """(local day it was credited on in Jakarta, points) of every birthday entry."""
    with app.extensions["setia_db"].session() as session:
        rows = session.execute(select(LedgerEntry).where(LedgerEntry.source == "bonus").order_by(LedgerEntry.id))
        return [(entry.created_at.astimezone(JAKARTA).date().isoformat(), entry.amount) for entry in rows.scalars()]


def run_hourly_through(start: datetime, days: int, every_hours: int = 23) -> None:
    """The periodic job as the scheduler runs it (hourly; here every 23 hours, at varying hours), day
    after day: every local day of the span gets a run."""
    moment = start
    while moment < start + timedelta(days=days):
        with time_machine.travel(moment, tick=False):
            periodic.credit_birthdays()
        moment += timedelta(hours=every_hours)  # drifts through every hour, never skips a day


def test_birthday_is_credited_once_a_year_on_the_day_in_the_shop_time_zone(
    client: Any, app: Flask, birthday_shop: Any
) -> None:
    with time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=UTC), tick=False):
        answer = put_birthday(client, app, birthday_shop, {"month": 3, "day": 5})
        assert answer.status_code == 200, answer.json
        assert (answer.json["birthday"]["month"], answer.json["birthday"]["day"]) == (3, 5)
    # 4 March 23:30 in Jakarta is 16:30 UTC: not yet; 5 March 00:30 there is 17:30 UTC on the 4th.
    with time_machine.travel(datetime(2027, 3, 4, 16, 30, tzinfo=UTC), tick=False):
        assert periodic.credit_birthdays() == 0
    with time_machine.travel(datetime(2027, 3, 4, 17, 30, tzinfo=UTC), tick=False):
        assert periodic.credit_birthdays() == 1
        assert periodic.credit_birthdays() == 0  # the next run that day: nothing more
    run_hourly_through(datetime(2027, 1, 10, tzinfo=UTC), days=360)  # the rest of the year
    run_hourly_through(datetime(2028, 2, 25, tzinfo=UTC), days=14)  # and around the next birthday
    assert birthday_entries(app) == [("2027-03-05", 100), ("2028-03-05", 100)]  # 2027 once, 2028 once


def test_29_february_is_celebrated_on_28_february_in_other_years(client: Any, app: Flask, birthday_shop: Any) -> None:
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        assert put_birthday(client, app, birthday_shop, {"month": 2, "day": 29}).status_code == 200
    run_hourly_through(datetime(2027, 2, 20, tzinfo=UTC), days=375)
    assert birthday_entries(app) == [("2027-02-28", 100), ("2028-02-29", 100)]


def test_a_birthday_given_after_the_day_waits_for_next_year(client: Any, app: Flask, birthday_shop: Any) -> None:
    with time_machine.travel(datetime(2027, 3, 6, 3, 0, tzinfo=UTC), tick=False):
        assert put_birthday(client, app, birthday_shop, {"month": 3, "day": 5}).status_code == 200
        assert periodic.credit_birthdays() == 0  # yesterday's birthday, given today: not paid
    run_hourly_through(datetime(2027, 3, 6, tzinfo=UTC), days=367)
    assert birthday_entries(app) == [("2028-03-05", 100)]


def test_a_change_within_a_year_is_refused_and_the_same_date_is_fine(
    client: Any, app: Flask, birthday_shop: Any
) -> None:
    start = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        assert put_birthday(client, app, birthday_shop, {"month": 3, "day": 5}).status_code == 200
        assert put_birthday(client, app, birthday_shop, {"month": 3, "day": 5}, method="POST").status_code == 200
    with time_machine.travel(start + timedelta(days=364), tick=False):
        refused = put_birthday(client, app, birthday_shop, {"month": 4, "day": 1})
        assert refused.status_code == 409
        assert refused.json["details"]["changeable_at"].startswith("2028-01-10")
    with time_machine.travel(start + timedelta(days=366), tick=False):
        changed = put_birthday(client, app, birthday_shop, {"month": 4, "day": 1})
        assert changed.status_code == 200
        assert (changed.json["birthday"]["month"], changed.json["birthday"]["day"]) == (4, 1)


def test_moving_the_birthday_never_earns_twice_in_a_year(client: Any, app: Flask, birthday_shop: Any) -> None:
    with time_machine.travel(datetime(2027, 1, 2, tzinfo=UTC), tick=False):
        assert put_birthday(client, app, birthday_shop, {"month": 1, "day": 3}).status_code == 200
    run_hourly_through(datetime(2027, 1, 2, tzinfo=UTC), days=2)
    with time_machine.travel(datetime(2028, 1, 2, 18, 0, tzinfo=UTC), tick=False):  # 3 Jan in Jakarta: paid
        assert periodic.credit_birthdays() == 1
    with time_machine.travel(datetime(2028, 1, 4, tzinfo=UTC), tick=False):  # a year on: may change
        assert put_birthday(client, app, birthday_shop, {"month": 12, "day": 30}).status_code == 200
    run_hourly_through(datetime(2028, 12, 28, tzinfo=UTC), days=5)
    assert birthday_entries(app) == [("2027-01-03", 100), ("2028-01-03", 100)]


@pytest.mark.parametrize(
    "body",
    [
        {"month": 2, "day": 30},
        {"month": 4, "day": 31},
        {"month": 13, "day": 1},
        {"month": 0, "day": 1},
        {"month": 1, "day": 0},
        {"month": "3", "day": 5},
        {"month": True, "day": 5},
        {"month": 3},
        {"month": 3.0, "day": 5},
        {"month": 10**30, "day": 5},
        [3, 5],
    ],
)
def test_an_impossible_date_is_422_and_stores_nothing(client: Any, app: Flask, birthday_shop: Any, body: Any) -> None:
    answer = put_birthday(client, app, birthday_shop, body)
    assert answer.status_code == 422 and answer.json["error"]
    earn = client.get(
        f"/widget/v1/{birthday_shop['public_id']}/earn",
        query_string=signed(SHOPPER, widget_secret(app, birthday_shop["id"])),
    )
    assert earn.json["birthday"] is None


def test_an_unsigned_birthday_is_401(client: Any, birthday_shop: Any) -> None:
    answer = client.put(f"/widget/v1/{birthday_shop['public_id']}/birthday", json={"month": 3, "day": 5})
    assert answer.status_code == 401


def test_the_earn_answer_shows_when_the_birthday_comes(client: Any, app: Flask, birthday_shop: Any) -> None:
    query = lambda: signed(SHOPPER, widget_secret(app, birthday_shop["id"]))  # noqa: E731
    url = f"/widget/v1/{birthday_shop['public_id']}/earn"
    with time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=UTC), tick=False):
        (way,) = client.get(url, query_string=query()).json["items"]
        assert (way["kind"], way["points"], way["state"]) == ("birthday", 100, "available")
        put_birthday(client, app, birthday_shop, {"month": 3, "day": 5})
        (way,) = client.get(url, query_string=query()).json["items"]
        assert (way["state"], way["next_at"]) == ("waiting", "2027-03-05")
    with time_machine.travel(datetime(2027, 3, 5, 1, 0, tzinfo=UTC), tick=False):
        periodic.credit_birthdays()
        (way,) = client.get(url, query_string=query()).json["items"]
        assert (way["state"], way["next_at"]) == ("done", date(2028, 3, 5).isoformat())


def test_the_birthday_is_in_the_privacy_export_and_gone_after_erasure(
    client: Any, app: Flask, birthday_shop: Any, deliver: Any, api: Any
) -> None:
    from integrator.loyalty.models import MemberBirthday
    from tests.integration.test_shopify_compliance import compliance

    assert put_birthday(client, app, birthday_shop, {"month": 8, "day": 17}).status_code == 200
    shopper = {"customer": {"id": int(SHOPPER), "email": None, "phone": None}, "orders_requested": []}
    deliver("customers/data_request", compliance("customers/data_request", **shopper))
    [listed] = api.get("/data-requests").json["items"]
    export = api.get(f"/data-requests/{listed['id']}").json["export"]
    assert (export["birthday"]["month"], export["birthday"]["day"]) == (8, 17)
    deliver("customers/redact", compliance("customers/redact", customer=shopper["customer"], orders_to_redact=[]))
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(MemberBirthday)).scalars().all() == []

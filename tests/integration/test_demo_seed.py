"""`make run`'s demo data tells one story in the analytics: members are enrolled, and earn their
points, on the dates of their orders (seeded over the past weeks), not all on the day of the seed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from integrator import demo
from integrator.loyalty.models import AnalyticsDay, LedgerEntry, Member, Order
from tests.conftest import Api, drain


def test_the_demo_enrolls_members_and_earns_points_on_their_orders_dates(
    app: Flask, monkeypatch: Any, tmp_path: Any
) -> None:
    monkeypatch.setattr(demo, "DEMO_FILE", tmp_path / "demo.json")  # not the developer's instance/
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.extensions["setia_db"].session() as session:
        paid = {o.platform_order_id: o.paid_at.date() for o in session.execute(select(Order)).scalars() if o.paid_at}
        earned = session.execute(select(LedgerEntry).where(LedgerEntry.source == "order", LedgerEntry.kind == "earn"))
        first_order: dict[int, Any] = {}
        for entry in earned.scalars():
            assert entry.created_at.date() == paid[entry.source_id], entry.source_id
            first_order[entry.member_id] = min(
                paid[entry.source_id], first_order.get(entry.member_id, paid[entry.source_id])
            )
        members = {m.id: m.created_at.date() for m in session.execute(select(Member)).scalars()}
        assert members == first_order and len(set(members.values())) > 2  # several enrolment days
        days = {d.day: d for d in session.execute(select(AnalyticsDay)).scalars()}
        today = datetime.now(UTC).date()
        enrolled = {day: row.members_enrolled for day, row in days.items() if row.members_enrolled}
        assert enrolled == {day: list(members.values()).count(day) for day in set(members.values())}
        assert today not in enrolled  # nobody joined on the day of the seed
        assert sum(row.points_issued for day, row in days.items() if day != today) > 0


def test_the_demo_pages_hint_names_the_launcher_where_the_widget_puts_it(
    app: Flask, client: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    monkeypatch.setattr(demo, "DEMO_FILE", tmp_path / "demo.json")
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    api = Api(client, json.loads((tmp_path / "demo.json").read_text())["api_key"])

    def hint(language: str) -> tuple[str, str]:
        page = client.get("/demo", query_string={"lang": language}).get_data(as_text=True)
        label = re.search(r'data-hint="label">([^<]+)<', page)
        side = re.search(r'data-hint="side">([^<]+)<', page)
        assert label and side
        return label.group(1), side.group(1)

    assert hint("en") == ("Rewards", "bottom right") and hint("id") == ("Hadiah", "kanan bawah")
    widget = {"position": "bottom-left", "texts": {"en": {"title": "Perks"}, "id": {"title": "Poin Saya"}}}
    assert api.patch("/settings", {"widget": widget}).status_code == 200
    assert hint("en") == ("Perks", "bottom left") and hint("id") == ("Poin Saya", "kiri bawah")


def test_the_demo_shows_its_recorded_shopper_emails(app: Flask, client: Any, monkeypatch: Any, tmp_path: Any) -> None:
    monkeypatch.setattr(demo, "DEMO_FILE", tmp_path / "demo.json")
    assert client.get("/demo/emails").status_code == 404  # no demo shop yet
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    drain()  # with Redis the emails are a worker's job (make run has none: inline)
    page = client.get("/demo/emails").get_data(as_text=True)
    # The demo shop speaks Indonesian; without SMTP_URL its emails are recorded, not sent.
    assert 'data-email-status="recorded"' in page and "Anda mendapat" in page
    assert "<iframe sandbox=" in page

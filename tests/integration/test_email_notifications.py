"""Shopper emails through a real SMTP server (aiosmtpd on 127.0.0.1): a paid order sends one
"points earned" email in the shop's language with RFC 8058 one-click unsubscribe; a crash between
the commit and the send still sends it once; unsubscribing stops the next one."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from integrator.loyalty.models import Delivery, Shop
from integrator.periodic import SCHEDULE
from tests.conftest import drain, requires_postgres
from tests.deliveries import fake30, with_changes
from tests.notify_servers import smtp_server, use_config

pytestmark = pytest.mark.usefixtures("ledger_checked")


def scheduled(name: str) -> Any:
    [job] = [job for job, _ in SCHEDULE if job.__name__ == name]
    return job


@pytest.fixture()
def inbox(app, monkeypatch):
    with smtp_server() as (inbox, port):
        use_config(app, monkeypatch, smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Setia <loyalty@setia.test>")
        yield inbox


@pytest.fixture()
def emails_on(api):
    assert api.patch("/settings", {"notifications": {"email": {"enabled": True}}}).status_code == 200


def set_language(app, shop: dict[str, Any], language: str, name: str = "Toko Test") -> None:
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Shop).where(Shop.id == shop["id"]).values(language=language, name=name))


def order(number: int) -> dict[str, Any]:
    return with_changes(fake30(), id=1073459981 + number, name=f"#{1002 + number}")


@pytest.mark.usefixtures("emails_on")
def test_a_paid_order_sends_one_points_earned_email_with_one_click_unsubscribe(app, shop, deliver, inbox):
    set_language(app, shop, "en", name="Jane's Shop")
    deliver("orders/paid", fake30())
    deliver("orders/paid", fake30())  # the same order again: it earns nothing more, and emails nothing
    deliver("orders/updated", fake30())
    [message] = inbox.wait_for(1)
    assert inbox.wait_for(2, seconds=0.5) == [message]
    assert message["To"] == "jane@example.com"
    assert message["Subject"] == "You earned 181 points at Jane's Shop"
    assert message["From"].addresses[0].addr_spec == "loyalty@setia.test"
    assert message["From"].addresses[0].display_name == "Jane's Shop"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://setia.test/unsubscribe/") and unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].startswith("<setia.") and message["Message-ID"].endswith("@setia.test>")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "181 points for your order #1002" in text and "181 points for your order #1002" in html
    assert "Unsubscribe: https://setia.test/unsubscribe/" in text


@pytest.mark.usefixtures("emails_on")
def test_the_email_is_in_the_shops_language(app, shop, deliver, inbox):
    set_language(app, shop, "id", name="Toko Maju")
    deliver("orders/paid", fake30())
    [message] = inbox.wait_for(1)
    assert message["Subject"] == "Anda mendapat 181 poin di Toko Maju"
    assert "181 poin untuk pesanan #1002" in message.get_body(("plain",)).get_content()
    assert "Berhenti berlangganan" in message.get_body(("html",)).get_content()


def test_no_email_while_emails_are_off(app, shop, deliver, inbox):
    deliver("orders/paid", fake30())
    assert inbox.wait_for(1, seconds=0.5) == []


@pytest.mark.usefixtures("emails_on")
def test_a_crash_between_commit_and_send_still_sends_it_once(app, shop, deliver, inbox, monkeypatch):
    from integrator.notify import jobs

    def killed(event_ids: list[int]) -> int:
        raise RuntimeError("worker killed after the commit")

    with monkeypatch.context() as patched:
        patched.setattr(jobs, "deliver_events", killed)
        deliver("orders/paid", fake30())
    assert inbox.wait_for(1, seconds=0.5) == []  # the order is recorded; its email was not sent
    for _ in range(3):  # the sweep, run several times, sends it once
        scheduled("deliver_due")()
        drain()
    messages = inbox.wait_for(2, seconds=0.5)
    assert len(messages) == 1 and messages[0]["Subject"].startswith("You earned 181 points at ")


@pytest.mark.usefixtures("emails_on")
def test_an_smtp_outage_is_retried_with_the_same_message_id(app, shop, deliver, monkeypatch):
    with monkeypatch.context() as patched:
        use_config(app, patched, smtp_url="smtp://127.0.0.1:1")  # nothing listens there
        deliver("orders/paid", fake30())
    with app.extensions["setia_db"].session() as session:
        [row] = session.execute(select(Delivery)).scalars()
        assert (row.status, row.attempts) == ("pending", 1) and row.next_attempt_at is not None
        first_id = row.message_id
        session.execute(update(Delivery).values(next_attempt_at=row.created_at))  # its time has come
    with smtp_server() as (other, port):
        use_config(app, monkeypatch, smtp_url=f"smtp://127.0.0.1:{port}", mail_from="Setia <loyalty@setia.test>")
        scheduled("deliver_due")()
        drain()
        [message] = other.wait_for(1)
    assert message["Message-ID"] == first_id


@pytest.mark.usefixtures("emails_on")
def test_one_click_unsubscribe_stops_the_next_email_and_a_get_only_asks(app, client, shop, deliver, inbox):
    deliver("orders/paid", order(0))
    [first] = inbox.wait_for(1)
    path = urlsplit(first["List-Unsubscribe"].strip("<>")).path
    page = client.get(path)  # a mail scanner opening the link
    assert page.status_code == 200 and b"<button" in page.data and b"jane@example.com" in page.data
    deliver("orders/paid", order(1))
    assert len(inbox.wait_for(2)) == 2  # still subscribed
    answer = client.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200 and b"unsubscribed" in answer.data
    deliver("orders/paid", order(2))
    assert len(inbox.wait_for(3, seconds=0.5)) == 2
    assert client.post(path + "x").status_code == 404  # a token changed by a byte names no one


@pytest.mark.usefixtures("emails_on")
def test_a_worker_killed_mid_send_leaves_a_claim_that_expires_and_the_email_goes_once(
    app, shop, deliver, inbox, monkeypatch
):
    import time_machine

    from integrator.loyalty import notifications
    from integrator.loyalty.models import utcnow
    from integrator.notify import jobs

    with monkeypatch.context() as patched:  # the worker dies after claiming, before sending
        patched.setattr(jobs, "_attempt", lambda attempt: (_ for _ in ()).throw(SystemExit("killed")))
        with contextlib.suppress(SystemExit):  # inline it reaches the caller; a worker records the job failed
            deliver("orders/paid", fake30())
    [row] = deliveries(app)
    assert (row.status, row.attempts) == ("pending", 1) and row.claimed_until is not None
    scheduled("deliver_due")()  # the claim still holds: nothing is sent twice at once
    drain()
    assert inbox.wait_for(1, seconds=0.3) == []
    with time_machine.travel(utcnow() + notifications.CLAIM + timedelta(seconds=5), tick=True):
        scheduled("deliver_due")()
        drain()
    [message] = inbox.wait_for(1)
    assert message["Message-ID"] == row.message_id
    assert [d.status for d in deliveries(app)] == ["sent"]


@requires_postgres
@pytest.mark.usefixtures("emails_on")
def test_parallel_attempts_send_one_email(app, shop, deliver, inbox, monkeypatch):
    from integrator.notify import jobs

    with monkeypatch.context() as patched:
        patched.setattr(jobs, "send_delivery", lambda delivery_id: "skipped")  # fanned out, not sent yet
        deliver("orders/paid", fake30())
    [row] = deliveries(app)
    barrier, results = threading.Barrier(6), []

    def attempt() -> None:
        with app.app_context():
            barrier.wait()
            results.append(jobs.send_delivery(row.id))

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sent"] + ["skipped"] * 5
    assert len(inbox.wait_for(2, seconds=0.5)) == 1


def deliveries(app) -> list[Delivery]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(Delivery).order_by(Delivery.id)).scalars())

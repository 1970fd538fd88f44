"""Stored webhook bodies are not kept forever: a scheduled job blanks those of processed and ignored
deliveries older than WEBHOOK_RETENTION_DAYS, and keeps only a shop's newest 100 bodies of topics
Setia ignores. The rows stay, so that a repeated delivery is still recognised."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from integrator import inbox, jobs, periodic
from integrator.loyalty.models import WebhookEvent, utcnow
from tests.conftest import drain
from tests.deliveries import OTHER_DOMAIN, fake30, with_changes


def stored(app: Flask) -> dict[str, tuple[str, bytes]]:
    """delivery id → (status, body) of every stored delivery."""
    with app.extensions["setia_db"].session() as session:
        rows = session.execute(select(WebhookEvent.delivery_id, WebhookEvent.status, WebhookEvent.body))
        return {delivery_id: (status, bytes(body)) for delivery_id, status, body in rows}


def age(app: Flask, delivery_ids: list[str], days: float) -> None:
    """As if these deliveries had arrived `days` ago."""
    with app.extensions["setia_db"].session() as session:
        session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.delivery_id.in_(delivery_ids))
            .values(received_at=utcnow() - timedelta(days=days))
        )


def mark_as(app: Flask, delivery_id: str, status: str) -> None:
    with app.extensions["setia_db"].session() as session:
        session.execute(update(WebhookEvent).where(WebhookEvent.delivery_id == delivery_id).values(status=status))


def order(order_id: int) -> dict[str, Any]:
    return with_changes(fake30(), id=order_id, name=f"#{order_id}")


def test_old_bodies_of_done_deliveries_are_pruned_and_their_dedupe_kept(
    app: Flask, shop: dict[str, Any], deliver: Any, api: Any
) -> None:
    for webhook_id, order_id in (("old-paid", 1), ("new-paid", 2), ("old-failed", 3), ("old-retrying", 4)):
        assert deliver("orders/paid", order(order_id), webhook_id=webhook_id).status_code == 200
    assert deliver("products/update", {"id": 9}, webhook_id="old-ignored").status_code == 200
    mark_as(app, "old-failed", "failed")  # a retry after the cause is fixed needs the body
    mark_as(app, "old-retrying", "retrying")
    age(app, ["old-paid", "old-failed", "old-retrying", "old-ignored"], days=31)
    age(app, ["new-paid"], days=29)
    before = stored(app)
    assert all(body for _, body in before.values())

    assert periodic.prune_webhook_bodies() == 2

    after = stored(app)
    assert after["old-paid"] == ("processed", b"") and after["old-ignored"] == ("ignored", b"")
    for kept in ("new-paid", "old-failed", "old-retrying"):
        assert after[kept] == before[kept]
    # Shopify delivering the old one again: recognised, nothing applied twice.
    points = api.member(1073339475)["points_available"]
    repeat = deliver("orders/paid", order(1), webhook_id="old-paid")
    assert repeat.status_code == 200 and repeat.json == {"ok": True, "duplicate": True}
    assert api.member(1073339475)["points_available"] == points
    assert periodic.prune_webhook_bodies() == 0  # a second run finds nothing more


def test_webhook_retention_days_sets_the_age(app: Flask, shop: dict[str, Any], deliver: Any, monkeypatch: Any) -> None:
    config = app.extensions["setia_config"]
    monkeypatch.setitem(app.extensions, "setia_config", dataclasses.replace(config, webhook_retention_days=7))
    for webhook_id, order_id in (("eight-days", 1), ("six-days", 2)):
        assert deliver("orders/paid", order(order_id), webhook_id=webhook_id).status_code == 200
    age(app, ["eight-days"], days=8)
    age(app, ["six-days"], days=6)
    assert periodic.prune_webhook_bodies() == 1
    bodies = {delivery_id: body for delivery_id, (_, body) in stored(app).items()}
    assert bodies["eight-days"] == b"" and bodies["six-days"] != b""


def test_many_old_bodies_are_pruned_in_batches(
    app: Flask, shop: dict[str, Any], deliver: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(periodic, "PRUNE_BATCH", 2)  # one transaction per two rows
    ids = [f"old-{n}" for n in range(5)]
    for n, webhook_id in enumerate(ids):
        assert deliver("products/update", {"id": n}, webhook_id=webhook_id).status_code == 200
    for n, webhook_id in enumerate(ids):
        age(app, [webhook_id], days=40 - n)
    assert periodic.prune_webhook_bodies() == 5
    assert all(body == b"" for _, body in stored(app).values())


def test_a_delivery_retried_past_the_retention_age_is_pruned_once_processed(
    app: Flask, shop: dict[str, Any], deliver: Any
) -> None:
    assert deliver("orders/paid", order(1), webhook_id="slow", process=False).status_code == 200
    mark_as(app, "slow", "retrying")
    age(app, ["slow"], days=30.5)
    assert periodic.prune_webhook_bodies() == 0  # still needed
    mark_as(app, "slow", "received")
    jobs.process_event(next(iter(_ids(app))))
    drain()
    assert stored(app)["slow"][0] == "processed"
    assert periodic.prune_webhook_bodies() == 1  # the next run catches up on it
    assert stored(app)["slow"][1] == b""


def _ids(app: Flask) -> list[int]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(WebhookEvent.id)).scalars())


def test_a_shop_keeps_only_its_newest_ignored_bodies(
    app: Flask, shop: dict[str, Any], shops: Any, deliver: Any
) -> None:
    shops.make(domain=OTHER_DOMAIN)
    cap = inbox.IGNORED_BODIES_KEPT
    for n in range(cap + 5):
        assert deliver("products/update", {"id": n}, webhook_id=f"ignored-{n}").status_code == 200
    for n in range(3):
        deliver("products/update", {"id": n}, webhook_id=f"other-{n}", domain=OTHER_DOMAIN)
    assert deliver("orders/paid", order(1), webhook_id="paid").status_code == 200

    assert periodic.prune_webhook_bodies() == 5

    after = stored(app)
    assert [after[f"ignored-{n}"][1] for n in range(5)] == [b""] * 5  # the oldest five
    assert all(after[f"ignored-{n}"][1] == f'{{"id": {n}}}'.encode() for n in range(5, cap + 5))
    assert all(after[f"other-{n}"][1] for n in range(3))  # another shop's own allowance
    assert after["paid"][1]  # deliveries Setia acts on are not capped
    assert len(after) == cap + 5 + 3 + 1  # no row deleted
    repeat = deliver("products/update", {"id": 0}, webhook_id="ignored-0")
    assert repeat.json == {"ok": True, "duplicate": True}


@pytest.mark.parametrize("job", [periodic.prune_webhook_bodies, periodic.beat])
def test_the_new_jobs_are_scheduled(job: Any) -> None:
    assert job in [scheduled for scheduled, _ in periodic.SCHEDULE]

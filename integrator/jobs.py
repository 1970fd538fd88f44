"""The job functions: each takes ids, opens its own transaction and is safe to run twice. How they
are queued and retried is integrator/queue.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from connectors.base import Connector, PayloadError
from integrator import events, outbox, reconciliation
from integrator.loyalty import orders, store_credit
from integrator.loyalty.models import Shop, WebhookEvent, utcnow
from integrator.platform_registry import NotConnected, accepts, connector_for, store_credit_supported
from integrator.queue import (
    MAX_ATTEMPTS,
    SWEEP_AFTER,
    UNSTORABLE,
    backoff,
    claims_from_database,
    enqueue,
    in_transaction,
)
from integrator.services import services

log = logging.getLogger(__name__)


def notify(event_id: int) -> bool:
    """A delivery was stored. On PostgreSQL with workers, nothing more: the stored row is the work,
    and the workers claim it from the database (integrator/worker.py), so the request makes no
    round trip to Redis. Otherwise it is processed inline (no Redis) or as an RQ job. False when
    Redis refused the job (the sweeper will find the stored delivery)."""
    if claims_from_database():
        return True
    return enqueue(process_event, event_id)


def connect(shop: Shop) -> Connector | None:
    """The shop's connector, or None (logged) when it has no usable credentials."""
    state = services()
    try:
        return connector_for(state.config, state.box, shop)
    except NotConnected as exc:
        log.info("shop %s not connected: %s", shop.id, exc)
        return None


def reach() -> outbox.Reach:
    state = services()
    return outbox.Reach(state.db, in_transaction, connect, state.config, MAX_ATTEMPTS)


def follow_up(shop_id: int, outcome: orders.Outcome | None, store_credit_enabled: bool) -> None:
    """After a commit: make the coupon an order recorded, move the cashback it made available."""
    if outcome is None:
        return
    if outcome.coupon_id is not None:
        enqueue(push_coupon, outcome.coupon_id)
    if store_credit_enabled and outcome.cashback > 0 and outcome.member_id is not None:
        enqueue(transfer_cashback, shop_id, outcome.member_id)


# --- jobs ---------------------------------------------------------------------------------------


class _PlatformFirst(Exception):
    """The delivery needs platform calls before it can be applied: its transaction is rolled back
    (no row stays locked while the platform answers), the calls are made, and it runs again."""

    def __init__(self, shop: Shop, platform: str, topic: str, payload: Any) -> None:
        super().__init__(f"{platform} {topic} needs platform calls first")
        self.shop, self.platform, self.topic, self.payload = shop, platform, topic, payload


Pick = Callable[[Session], WebhookEvent | None]


def _by_id(event_id: int) -> Pick:
    def pick(session: Session) -> WebhookEvent | None:
        query = select(WebhookEvent).where(WebhookEvent.id == event_id).with_for_update(key_share=True)
        return session.execute(query).scalar_one_or_none()

    return pick


def _next_received(session: Session) -> WebhookEvent | None:
    """The oldest delivery still to process that no other worker holds: its row stays locked by this
    transaction until it commits (processed) or rolls back (a crash: it is there for the next one)."""
    query = (
        select(WebhookEvent)
        .where(WebhookEvent.status == "received")
        .order_by(WebhookEvent.id)
        .limit(1)
        .with_for_update(key_share=True, skip_locked=True)
    )
    return session.execute(query).scalar_one_or_none()


def process_event(event_id: int) -> str:
    """Apply one stored delivery, then enqueue what it left to do. Returns its final status."""
    return _process(_by_id(event_id), event_id) or "missing"


def process_next_received() -> str | None:
    """Claim the oldest delivery still to process (FOR UPDATE SKIP LOCKED: two workers never take
    the same one) and apply it in the same transaction. None when there is none left to claim."""
    return _process(_next_received)


def _process(pick: Pick, event_id: int | None = None) -> str | None:
    ahead: list[Any] = []  # the payload as the platform's read-ahead made it, once it ran
    picked: list[int] = [] if event_id is None else [event_id]  # the delivery's id, once known

    def work(session: Session) -> tuple[str, int, orders.Outcome | None, bool]:
        event = pick(session)
        if event is None or event.status in ("processed", "ignored", "failed"):
            return (event.status if event else "missing"), 0, None, False
        picked[:] = [event.id]
        shop = session.get(Shop, event.shop_id) if event.shop_id else None
        outcome, shop_id, credit = None, 0, False
        if shop is None or not accepts(shop, event.platform, event.topic):
            event.status = "ignored"
        else:
            payload = ahead[0] if ahead else events.parse_body(event.body)
            if not ahead and events.needs_platform(event.platform, event.topic, payload):
                session.expunge(shop)  # kept readable after the rollback, for the connector
                raise _PlatformFirst(shop, event.platform, event.topic, payload)
            shop_id, credit = shop.id, store_credit.enabled(shop, store_credit_supported(shop))
            # No autoflush: each query in between would write the order row again (three UPDATEs
            # of it per delivery); the changes are written once, at commit.
            with session.no_autoflush:
                outcome = events.handle(session, shop, event.platform, event.topic, payload)
            event.status = "processed"
        event.attempts += 1
        event.processed_at = utcnow()
        event.last_error = None
        event.next_attempt_at = None
        return event.status, shop_id, outcome, credit

    try:
        try:
            status, shop_id, outcome, credit = in_transaction(work)
        except _PlatformFirst as first:
            ahead.append(events.read_ahead(first.shop, first.platform, first.topic, first.payload, connect))
            pick = _by_id(picked[0])  # the same delivery again, now with what the platform said
            status, shop_id, outcome, credit = in_transaction(work)
    except Exception as exc:
        if not picked:  # no delivery was claimed (the database refused the claim itself)
            raise
        return _failed(picked[0], exc)
    if not picked:  # nothing left to claim
        return None
    follow_up(shop_id, outcome, credit)
    return status


def _failed(event_id: int, exc: Exception) -> str:
    if isinstance(exc, PayloadError):
        return _record_failure(event_id, str(exc), final=True)
    if isinstance(exc, UNSTORABLE):
        # The mapping refuses what it knows no column can hold; whatever still gets past it is
        # refused by the database the same way at every attempt: retrying cannot help.
        log.warning("event %s holds a value the database cannot store: %s", event_id, exc)
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return _record_failure(event_id, f"a value the database cannot store: {reason}", final=True)
    log.error("event %s failed", event_id, exc_info=exc)
    return _record_failure(event_id, f"{exc.__class__.__name__}: {exc}", final=False)


def _record_failure(event_id: int, reason: str, final: bool) -> str:
    def work(session: Session) -> str:
        event = session.get(WebhookEvent, event_id)
        if event is None:
            return "missing"
        event.attempts += 1
        event.last_error = reason[:2000]
        if final or event.attempts >= MAX_ATTEMPTS:
            event.status = "failed"
            event.next_attempt_at = None
        else:
            event.status = "retrying"
            event.next_attempt_at = utcnow() + backoff(event.attempts)
        return event.status

    return in_transaction(work)


def due_events(session: Session, now: datetime, limit: int = 1000) -> list[int]:
    """Deliveries stored but not processed a while after arrival, and retries whose time has come."""
    query = (
        select(WebhookEvent.id)
        .where(
            or_(
                (WebhookEvent.status == "received") & (WebhookEvent.received_at <= now - SWEEP_AFTER),
                (WebhookEvent.status == "retrying") & (WebhookEvent.next_attempt_at <= now),
            )
        )
        .order_by(WebhookEvent.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def retry_failed(event_ids: list[int] | None = None) -> int:
    """Put failed deliveries back in the queue (all of them, or the given ids)."""

    def work(session: Session) -> list[int]:
        query = select(WebhookEvent).where(WebhookEvent.status.in_(("failed", "retrying")))
        if event_ids:
            query = query.where(WebhookEvent.id.in_(event_ids))
        rows = list(session.execute(query).scalars())
        for event in rows:
            event.status = "received"
            event.attempts = 0
            event.next_attempt_at = None
        return [event.id for event in rows]

    ids = in_transaction(work)
    for event_id in ids:
        enqueue(process_event, event_id)
    return len(ids)


# --- platform side effects and reconciliation (integrator/outbox.py, integrator/reconciliation.py) ---


def push_coupon(coupon_id: int) -> str:
    """Make a pending coupon on its store."""
    return outbox.push_coupon(reach(), coupon_id)


def push_friend_codes(shop_id: int) -> str:
    """Make a shop's pending friend codes on its store."""
    return outbox.push_friend_codes(reach(), shop_id)


def transfer_cashback(shop_id: int, member_id: int) -> str:
    """Move a member's available cashback to the store's store credit."""
    return outbox.transfer_cashback(reach(), shop_id, member_id)


def push_transfer(transfer_id: int) -> str:
    """Try a pending store credit transfer again."""
    return outbox.push_transfer(reach(), transfer_id)


def reconcile_shop(shop_id: int) -> int:
    """Pull one shop's recently updated orders (and, for custom apps, restore its webhooks)."""
    run = reconciliation.reconcile_shop(reach(), shop_id, utcnow())
    if run is None:
        return 0
    for outcome in run.outcomes:
        follow_up(shop_id, outcome, run.store_credit)
    return run.pulled

"""The merchant's first-run checklist and the store connection's live status (the home page):
store connected, webhooks healthy, earning rule set, widget seen on the storefront, first reward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Reward, Shop, WebhookEvent, utcnow

EARNING_KEYS = ("points_per_unit", "cashback_percent")
STEPS = ("store_connected", "webhooks_healthy", "earning_rule_set", "widget_seen", "first_reward")


@dataclass(frozen=True)
class Connection:
    """What the inbox and the reconciliation say about the store's link to Setia right now."""

    platform: str
    domain: str
    installed: bool
    last_delivery_at: datetime | None
    failed: int  # deliveries that gave up (`jobs failed` / `jobs retry`)
    retrying: int  # deliveries waiting for another attempt
    reconciled_at: datetime | None

    @property
    def healthy(self) -> bool:
        return self.installed and self.last_delivery_at is not None and self.failed == 0 and self.retrying == 0


@dataclass(frozen=True)
class Onboarding:
    connection: Connection
    done: dict[str, bool]  # STEPS → done
    widget_seen_at: datetime | None
    rewards: int

    @property
    def complete(self) -> bool:
        return all(self.done.values())


def connection_of(session: Session, shop: Shop, installed: bool) -> Connection:
    """The shop's connection as the home page shows it; `installed` (connected, with the credentials
    its platform needs) is the caller's to say."""
    last = session.execute(select(func.max(WebhookEvent.received_at)).where(WebhookEvent.shop_id == shop.id)).scalar()
    rows = session.execute(
        select(WebhookEvent.status, func.count())
        .where(WebhookEvent.shop_id == shop.id, WebhookEvent.status.in_(("failed", "retrying")))
        .group_by(WebhookEvent.status)
    ).all()
    counts: dict[str, int] = {status: int(count) for status, count in rows}
    return Connection(
        platform=shop.platform,
        domain=shop.domain,
        installed=installed,
        last_delivery_at=_aware(last),
        failed=int(counts.get("failed", 0)),
        retrying=int(counts.get("retrying", 0)),
        reconciled_at=shop.reconciled_at,
    )


def _aware(value: datetime | None) -> datetime | None:
    """func.max() bypasses the column type: SQLite hands back a naive UTC datetime."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=utcnow().tzinfo)


def earning_rule_set(shop: Shop) -> bool:
    """The merchant chose a rate (it is stored) or kept the default one on purpose."""
    stored = shop.settings or {}
    return shop.earning_confirmed_at is not None or any(key in stored for key in EARNING_KEYS)


def onboarding_of(session: Session, shop: Shop, installed: bool) -> Onboarding:
    connection = connection_of(session, shop, installed)
    rewards = session.execute(select(func.count()).select_from(Reward).where(Reward.shop_id == shop.id)).scalar_one()
    done = {
        "store_connected": connection.installed,
        "webhooks_healthy": connection.healthy,
        "earning_rule_set": earning_rule_set(shop),
        "widget_seen": shop.widget_seen_at is not None,
        "first_reward": rewards > 0,
    }
    return Onboarding(connection, done, shop.widget_seen_at, int(rewards))


def confirm_earning_rule(session: Session, shop: Shop) -> None:
    """The merchant keeps the current earning rule: the checklist's step is done (once)."""
    if shop.earning_confirmed_at is None:
        shop.earning_confirmed_at = utcnow()
        session.flush()

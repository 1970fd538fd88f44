"""Custom ways to earn that a merchant's other systems report (`POST /api/v1/members/<id>/actions`):
each action has its points and a limit per period (day, week, month, year in the shop's time zone,
or lifetime). The caller's idempotency key makes a retry answer the first credit; the limit is the
ledger's unique key `action:<name>:m<member>:<period>:<n>` for n = 1..limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .bonuses import credit
from .errors import ActionLimitReached, IdempotencyConflict, NotFound
from .ledger import lock_member
from .models import ActionCredit, CustomAction, LedgerEntry, Member, Shop, utcnow
from .shop_time import local_date, period_key

PERIODS = ("day", "week", "month", "year", "lifetime")
MAX_ACTIONS = 50


def actions_of(session: Session, shop_id: int) -> list[CustomAction]:
    return list(
        session.execute(select(CustomAction).where(CustomAction.shop_id == shop_id).order_by(CustomAction.id)).scalars()
    )


def get_action(session: Session, shop_id: int, action_id: int) -> CustomAction:
    action = session.execute(
        select(CustomAction).where(CustomAction.shop_id == shop_id, CustomAction.id == action_id)
    ).scalar_one_or_none()
    if action is None:
        raise NotFound("no such action")
    return action


def _named(session: Session, shop_id: int, name: str) -> CustomAction | None:
    return session.execute(
        select(CustomAction).where(CustomAction.shop_id == shop_id, CustomAction.name == name)
    ).scalar_one_or_none()


def create_action(session: Session, shop_id: int, values: dict[str, Any]) -> CustomAction:
    """`values` validated by the caller's schema (name, points, limit, period)."""
    if _named(session, shop_id, values["name"]) is not None:
        raise IdempotencyConflict("an action with this name exists", {"name": ["An action with this name exists."]})
    if len(actions_of(session, shop_id)) >= MAX_ACTIONS:
        raise ActionLimitReached("too many actions", {"name": [f"At most {MAX_ACTIONS} actions."]})
    action = CustomAction(shop_id=shop_id, **values)
    session.add(action)
    session.flush()
    return action


def update_action(session: Session, action: CustomAction, values: dict[str, Any]) -> CustomAction:
    """Points, limit and period may change; the name is what callers send, so it stays."""
    for field in ("points", "limit", "period"):
        if field in values:
            setattr(action, field, values[field])
    session.flush()
    return action


def delete_action(session: Session, action: CustomAction) -> None:
    """The action stops earning; what it credited stays in the ledger."""
    session.delete(action)
    session.flush()


@dataclass(frozen=True)
class Credited:
    entry: LedgerEntry
    created: bool


def _replay(session: Session, shop_id: int, member: Member, action: str, key: str) -> Credited | None:
    done = session.execute(
        select(ActionCredit).where(ActionCredit.shop_id == shop_id, ActionCredit.idempotency_key == key)
    ).scalar_one_or_none()
    if done is None:
        return None
    if done.member_id != member.id or done.action != action:
        raise IdempotencyConflict("this idempotency_key was used for another action")
    return Credited(session.get(LedgerEntry, done.entry_id), False)  # type: ignore[arg-type]


def credit_action(
    session: Session, shop: Shop, member: Member, name: str, idempotency_key: str, now: datetime | None = None
) -> Credited:
    """Credit `name` to the member once for this key, within the action's limit for the period."""
    action = _named(session, shop.id, name)
    if action is None:
        raise NotFound("no such action")
    lock_member(session, member.id)  # serialises this member's credits: the count below stays true
    replay = _replay(session, shop.id, member, name, idempotency_key)
    if replay is not None:
        return replay
    period = period_key(action.period, local_date(shop, now or utcnow()))
    prefix = f"action:{name}:m{member.id}:{period}:"
    used = session.execute(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.member_id == member.id, LedgerEntry.idempotency_key.startswith(prefix, autoescape=True))
    ).scalar_one()
    if used >= action.limit:
        raise ActionLimitReached(
            "this action's limit for the period is reached", {"period": period, "limit": action.limit}
        )
    entry = credit(session, member, action.points, f"{prefix}{used + 1}", f"action:{name}", "custom_action", name)
    if entry is None:  # an erased member earns nothing
        raise NotFound("no such member")
    session.add(
        ActionCredit(
            shop_id=shop.id, member_id=member.id, action=name, idempotency_key=idempotency_key, entry_id=entry.id
        )
    )
    session.flush()
    return Credited(entry, True)


def member_action_counts(session: Session, shop: Shop, member: Member, now: datetime | None = None) -> dict[str, int]:
    """How many times the member earned each action in its current period (the widget's state)."""
    today = local_date(shop, now or utcnow())
    counts: dict[str, int] = {}
    for action in actions_of(session, shop.id):
        prefix = f"action:{action.name}:m{member.id}:{period_key(action.period, today)}:"
        counts[action.name] = session.execute(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.member_id == member.id, LedgerEntry.idempotency_key.startswith(prefix, autoescape=True))
        ).scalar_one()
    return counts

"""Rewards a shop offers for points, and redeeming one: the points are spent with the one
conditional UPDATE (never twice, never below zero) and a single-use coupon is recorded `pending`
in the same transaction; a job makes it on the store."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from .coupons import generate_code
from .errors import InsufficientPoints, InvalidSettings, NotFound
from .ledger import Posting, spend
from .members import find_member
from .models import Coupon, Reward, Shop, utcnow

KINDS = ("fixed_amount", "percentage", "free_shipping")
COUPON_DAYS = 90  # a redeemed coupon stays usable this long


class RewardSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    points_cost = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**9))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    value = fields.Decimal(
        as_string=True,
        places=None,
        allow_nan=False,
        load_default=Decimal(0),
        validate=validate.Range(min=Decimal(0), max=Decimal(10**9)),
    )

    @validates_schema
    def _value_fits_kind(self, data: dict[str, Any], **_: Any) -> None:
        if data["kind"] == "percentage" and not Decimal(0) < data["value"] <= 100:
            raise ValidationError("a percentage is more than 0 and at most 100", "value")
        if data["kind"] == "fixed_amount" and data["value"] <= 0:
            raise ValidationError("a fixed amount is more than 0", "value")


def create_reward(session: Session, shop: Shop, payload: Any) -> Reward:
    """Validate and add a reward; InvalidSettings (422) with field errors and nothing stored."""
    try:
        data = RewardSchema().load(payload if isinstance(payload, dict) else {})
    except ValidationError as exc:
        raise InvalidSettings("invalid reward", exc.messages) from exc
    value = Decimal(0) if data["kind"] == "free_shipping" else data["value"]
    reward = Reward(
        shop_id=shop.id,
        name=data["name"],
        points_cost=data["points_cost"],
        kind=data["kind"],
        value=format(value, "f"),
        active=True,
        created_at=utcnow(),
    )
    session.add(reward)
    session.flush()
    return reward


def rewards_of(session: Session, shop_id: int) -> list[Reward]:
    query = select(Reward).where(Reward.shop_id == shop_id, Reward.active.is_(True)).order_by(Reward.points_cost)
    return list(session.execute(query).scalars())


def reward_view(reward: Reward) -> dict[str, Any]:
    return {
        "id": reward.id,
        "name": reward.name,
        "points_cost": reward.points_cost,
        "kind": reward.kind,
        "value": reward.value,
    }


def redeem(session: Session, shop: Shop, platform_customer_id: str, reward_id: int) -> Coupon:
    """Spend the reward's points and record its coupon; InsufficientPoints (409) changes nothing."""
    reward = session.execute(
        select(Reward).where(Reward.id == reward_id, Reward.shop_id == shop.id, Reward.active.is_(True))
    ).scalar_one_or_none()
    if reward is None:
        raise NotFound("no such reward")
    member = find_member(session, shop.id, platform_customer_id)
    if member is None or member.erased_at is not None:
        raise InsufficientPoints("not enough points available")
    now = utcnow()
    code = generate_code()
    spend(
        session,
        member,
        Posting("points", "available", -reward.points_cost, "redeem", f"redeem:{code}"),
        "redemption",
        code,
        reason=reward.name[:100],
    )
    coupon = Coupon(
        shop_id=shop.id,
        member_id=member.id,
        kind="reward",
        source_id=str(reward.id),
        code=code,
        status="pending",
        platform=shop.platform,
        value_type=reward.kind,
        value=reward.value,
        starts_at=now,
        expires_at=now + timedelta(days=COUPON_DAYS),
        idempotency_key=f"reward:{code}",
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(coupon)
    session.flush()
    return coupon

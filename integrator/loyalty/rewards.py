"""Rewards a shop offers for points, and redeeming one: the points are spent with the one
conditional UPDATE (never twice, never below zero) and a single-use coupon is recorded `pending`
in the same transaction; a job makes it on the store."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .coupons import SpentCode, generate_code, record_spent_code
from .errors import InsufficientPoints, InvalidSettings, NotFound
from .input_fields import DecimalText, PlainText
from .ledger import Posting, spend
from .members import find_member
from .models import MAX_ROW_ID, Coupon, Reward, Shop, Tier, utcnow
from .money import from_minor, places_of, to_minor
from .settings import StrictBoolean
from .shapes import REWARD

KINDS = ("fixed_amount", "percentage", "free_shipping")
DEFAULT_EXPIRES_DAYS = 90  # a redeemed coupon stays usable this long unless the reward says otherwise
PERCENT_PLACES = 2  # like the unboxing discount: 12.5 %, not 12.3456789 %
EDITABLE = ("name", "points_cost", "kind", "value", "min_order", "expires_days", "active", "tier_id")


class RewardSchema(Schema):
    class Meta:
        unknown = RAISE

    name = PlainText(required=True, validate=validate.Length(min=1, max=100))
    points_cost = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**9))
    kind = PlainText(required=True, validate=validate.OneOf(KINDS))
    # At most 4 decimals (the most any currency has; the kind and the currency narrow it): with the
    # maximum, every value fits the varchar(32) of rewards and coupons.
    value = DecimalText(
        max_places=4,
        load_default=Decimal(0),
        validate=validate.Range(min=Decimal(0), max=Decimal(10**9)),
    )
    min_order = DecimalText(
        max_places=4,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=Decimal(0), max=Decimal(10**9), min_inclusive=False),
        metadata={"description": "decimal string in the shop currency: the order subtotal the code needs; null = none"},
    )
    expires_days = fields.Integer(
        strict=True,
        load_default=DEFAULT_EXPIRES_DAYS,
        validate=validate.Range(min=1, max=3650),
        metadata={"description": "days the issued code stays usable"},
    )
    active = StrictBoolean(load_default=True, metadata={"description": "offered to members"})
    tier_id = fields.Integer(
        strict=True, allow_none=True, load_default=None, metadata={"description": "offered only to this tier's members"}
    )

    # Runs even when other fields are wrong, so one answer lists every field error at once (the
    # fields that failed are absent from `data` and checked no further).
    @validates_schema(skip_on_field_errors=False)
    def _value_fits_kind(self, data: dict[str, Any], **_: Any) -> None:
        if "kind" not in data or "value" not in data:
            return  # a partial body (the API's PATCH schema), or a bad kind/value: reported already
        if data["kind"] == "percentage" and not Decimal(0) < data["value"] <= 100:
            raise ValidationError("a percentage is more than 0 and at most 100", "value")
        if data["kind"] == "percentage" and places_of(data["value"]) > PERCENT_PLACES:
            raise ValidationError(f"a percentage has at most {PERCENT_PLACES} decimals", "value")
        if data["kind"] == "fixed_amount" and data["value"] <= 0:
            raise ValidationError("a fixed amount is more than 0", "value")


def minor_unit_errors(data: dict[str, Any], currency: str) -> dict[str, list[str]]:
    """Field errors for amounts with more digits than the shop currency's minor unit (IDR: whole
    rupiah); `data` may be partial (a PATCH body, or the fields that passed the schema)."""
    amounts = {"min_order": data.get("min_order")}
    if data.get("kind") == "fixed_amount":
        amounts["value"] = data.get("value")
    return {
        name: [f"at most the minor unit of {currency} (like {from_minor(1, currency)})"]
        for name, amount in amounts.items()
        if amount is not None and from_minor(to_minor(amount, currency), currency) != amount
    }


def _load(payload: Any, currency: str) -> dict[str, Any]:
    """The validated reward, or InvalidSettings with every field error at once."""
    try:
        data: dict[str, Any] = RewardSchema().load(payload if isinstance(payload, dict) else {})
    except ValidationError as exc:
        valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise InvalidSettings("invalid reward", minor_unit_errors(valid, currency) | messages) from exc
    errors = minor_unit_errors(data, currency)
    if errors:
        raise InvalidSettings("invalid reward", errors)
    if data["kind"] == "free_shipping":
        data["value"] = Decimal(0)
    return data


def _apply(reward: Reward, data: dict[str, Any]) -> None:
    reward.name = data["name"]
    reward.points_cost = data["points_cost"]
    reward.kind = data["kind"]
    reward.value = format(data["value"], "f")
    reward.min_order = None if data["min_order"] is None else format(data["min_order"], "f")
    reward.expires_days = data["expires_days"]
    reward.active = data["active"]
    reward.tier_id = data["tier_id"]


def _check_tier(session: Session, shop: Shop, data: dict[str, Any]) -> None:
    tier_id = data["tier_id"]
    if tier_id is None:
        return
    found = (
        0 < tier_id <= MAX_ROW_ID
        and session.execute(select(Tier.id).where(Tier.id == tier_id, Tier.shop_id == shop.id)).first()
    )
    if not found:
        raise InvalidSettings("invalid reward", {"tier_id": ["no such tier"]})


def create_reward(session: Session, shop: Shop, payload: Any) -> Reward:
    """Validate and add a reward; InvalidSettings (422) with field errors and nothing stored."""
    data = _load(payload, shop.currency)
    _check_tier(session, shop, data)
    reward = Reward(shop_id=shop.id, created_at=utcnow())
    _apply(reward, data)
    session.add(reward)
    session.flush()
    return reward


def get_reward(session: Session, shop_id: int, reward_id: int) -> Reward:
    reward = session.execute(
        select(Reward).where(Reward.id == reward_id, Reward.shop_id == shop_id)
    ).scalar_one_or_none()
    if reward is None:
        raise NotFound("no such reward")
    return reward


def update_reward(session: Session, shop: Shop, reward_id: int, payload: Any) -> Reward:
    """Change some of a reward's fields: the result is validated whole, like a new reward;
    InvalidSettings (422, field errors, nothing changed) or NotFound (unknown, or another shop's)."""
    reward = get_reward(session, shop.id, reward_id)
    if not isinstance(payload, dict):
        raise InvalidSettings("invalid reward", {"_schema": ["Invalid input type."]})
    current = REWARD.dump(reward)
    merged = {name: current[name] for name in EDITABLE} | payload
    data = _load(merged, shop.currency)
    _check_tier(session, shop, data)
    _apply(reward, data)
    session.flush()
    return reward


def redemptions_by_reward(session: Session, shop_id: int) -> dict[int, int]:
    """How many codes each reward has issued (those the store refused gave the points back and do
    not count), by reward id."""
    query = (
        select(Coupon.source_id, func.count())
        .where(Coupon.shop_id == shop_id, Coupon.kind == "reward", Coupon.status != "failed")
        .group_by(Coupon.source_id)
    )
    return {int(source): int(count) for source, count in session.execute(query) if source and source.isdigit()}


def rewards_of(session: Session, shop_id: int, include_inactive: bool = False) -> list[Reward]:
    """The shop's rewards, cheapest first: the active ones, or all of them."""
    query = select(Reward).where(Reward.shop_id == shop_id)
    if not include_inactive:
        query = query.where(Reward.active.is_(True))
    return list(session.execute(query.order_by(Reward.points_cost, Reward.id)).scalars())


def redeem(session: Session, shop: Shop, platform_customer_id: str, reward_id: int) -> Coupon:
    """Spend the reward's points and record its coupon; InsufficientPoints (409) changes nothing."""
    if not 0 < reward_id <= MAX_ROW_ID:
        raise NotFound("no such reward")  # the database could not even compare it
    reward = session.execute(
        select(Reward).where(Reward.id == reward_id, Reward.shop_id == shop.id, Reward.active.is_(True))
    ).scalar_one_or_none()
    if reward is None:
        raise NotFound("no such reward")
    member = find_member(session, shop.id, platform_customer_id)
    if reward.tier_id is not None and (member is None or member.tier_id != reward.tier_id):
        raise NotFound("no such reward")  # offered to that tier's members only
    if member is None or member.erased_at is not None:
        raise InsufficientPoints("not enough points available")
    code = generate_code()
    spend(
        session,
        member,
        Posting("points", "available", -reward.points_cost, "redeem", f"redeem:{code}"),
        "redemption",
        code,
        reason=reward.name[:100],
    )
    terms = SpentCode("reward", str(reward.id), reward.kind, reward.value, reward.min_order, reward.expires_days)
    return record_spent_code(session, shop, member, code, terms)

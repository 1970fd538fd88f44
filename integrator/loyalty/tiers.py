"""A shop's VIP tiers (at most five): validation, adding, changing, removing. Which tier a member
holds is tier_status.py; what a tier adds to an order's earning is boost.py."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .errors import InvalidSettings, NotFound
from .input_fields import DecimalText, PlainText
from .ledger import lock_member
from .models import MAX_ROW_ID, Member, Reward, Shop, Tier, utcnow
from .money import from_minor, to_minor
from .settings import current_settings
from .tier_status import recalculate, tiers_of

MAX_TIERS = 5
MAX_MULTIPLIER = Decimal(10)
EDITABLE = ("name", "threshold", "multiplier", "birthday_multiplier", "entry_reward_id")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def multiplier_field(**kwargs: Any) -> DecimalText:
    """A points multiplier: at least 1, at most 10, two decimals (every product fits varchar(32))."""
    return DecimalText(max_places=2, validate=validate.Range(min=Decimal(1), max=MAX_MULTIPLIER), **kwargs)


class TierSchema(Schema):
    class Meta:
        unknown = RAISE

    name = PlainText(required=True, validate=[validate.Length(min=1, max=60), _not_blank])
    threshold = DecimalText(
        required=True,
        max_places=4,
        validate=validate.Range(min=Decimal(0), max=Decimal(10**12)),
        metadata={"description": "what a member reaches to enter: shop currency (tiers.basis spend) or points"},
    )
    multiplier = multiplier_field(required=True, metadata={"description": "points earned × this, at least 1"})
    birthday_multiplier = multiplier_field(
        load_default=Decimal(1), metadata={"description": "the birthday bonus × this for the tier's members"}
    )
    entry_reward_id = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        metadata={"description": "a reward whose code a member receives, free, on entering the tier"},
    )


def values_of(tier: Tier) -> dict[str, Any]:
    return {
        "id": tier.id,
        "name": tier.name,
        "threshold": tier.threshold,
        "multiplier": tier.multiplier,
        "birthday_multiplier": tier.birthday_multiplier,
        "entry_reward_id": tier.entry_reward_id,
    }


def _load(session: Session, shop: Shop, payload: Any, tier_id: int | None) -> dict[str, Any]:
    try:
        data: dict[str, Any] = TierSchema().load(payload if isinstance(payload, dict) else {})
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise InvalidSettings("invalid tier", messages) from exc
    errors: dict[str, list[str]] = {}
    others = [tier for tier in tiers_of(session, shop.id) if tier.id != tier_id]
    if any(tier.name.casefold() == data["name"].strip().casefold() for tier in others):
        errors["name"] = ["another tier has this name"]
    if any(Decimal(tier.threshold) == data["threshold"] for tier in others):
        errors["threshold"] = ["another tier has this threshold"]
    spend = current_settings(shop)["tiers"]["basis"] == "spend"
    threshold = data["threshold"]
    if spend and from_minor(to_minor(threshold, shop.currency), shop.currency) != threshold:
        errors["threshold"] = [f"at most the minor unit of {shop.currency} (like {from_minor(1, shop.currency)})"]
    if not spend and threshold != threshold.to_integral_value():
        errors["threshold"] = ["a whole number of points"]
    reward_id = data["entry_reward_id"]
    if reward_id is not None and (
        not 0 < reward_id <= MAX_ROW_ID
        or session.execute(select(Reward.id).where(Reward.id == reward_id, Reward.shop_id == shop.id)).first() is None
    ):
        errors["entry_reward_id"] = ["no such reward"]
    if errors:
        raise InvalidSettings("invalid tier", errors)
    data["name"] = data["name"].strip()
    return data


def _apply(tier: Tier, data: dict[str, Any]) -> None:
    tier.name = data["name"]
    tier.threshold = format(data["threshold"], "f")
    tier.multiplier = format(data["multiplier"], "f")
    tier.birthday_multiplier = format(data["birthday_multiplier"], "f")
    tier.entry_reward_id = data["entry_reward_id"]


def create_tier(session: Session, shop: Shop, payload: Any) -> Tier:
    """Validate and add a tier; a sixth one, or invalid fields: InvalidSettings (422), nothing stored."""
    if len(tiers_of(session, shop.id)) >= MAX_TIERS:
        raise InvalidSettings("a shop has at most 5 tiers", None)  # MAX_TIERS
    data = _load(session, shop, payload, None)
    tier = Tier(shop_id=shop.id, created_at=utcnow())
    _apply(tier, data)
    session.add(tier)
    session.flush()
    return tier


def get_tier(session: Session, shop_id: int, tier_id: int) -> Tier:
    tier = None
    if 0 < tier_id <= MAX_ROW_ID:
        query = select(Tier).where(Tier.id == tier_id, Tier.shop_id == shop_id)
        tier = session.execute(query).scalar_one_or_none()
    if tier is None:
        raise NotFound("no such tier")
    return tier


def update_tier(session: Session, shop: Shop, tier_id: int, payload: Any) -> Tier:
    """Change some fields; the tier they make is validated whole (422, nothing changed). Members move
    at the next recalculation; orders already earning keep the multiplier they were fixed with."""
    tier = get_tier(session, shop.id, tier_id)
    if not isinstance(payload, dict):
        raise InvalidSettings("invalid tier", {"_schema": ["Invalid input type."]})
    current = values_of(tier)
    _apply(tier, _load(session, shop, {name: current[name] for name in EDITABLE} | payload, tier.id))
    session.flush()
    return tier


def delete_tier(session: Session, shop: Shop, tier_id: int) -> None:
    """Remove a tier: its members hold none (the foreign key sets it NULL) until the next
    recalculation places them again; its campaigns go with it; rewards for it are switched off."""
    tier = get_tier(session, shop.id, tier_id)
    session.execute(
        update(Reward)
        .where(Reward.tier_id == tier.id)
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    session.delete(tier)
    session.flush()


RECALCULATE_BATCH = 500


def recalculate_batch(session: Session, after_member_id: int, now: datetime) -> tuple[int, int | None]:
    """Recalculate the tiers of the next RECALCULATE_BATCH members (by id, after `after_member_id`)
    of the shops that have tiers or members still holding one, each locked in turn. Returns how many
    changed tier and the last member id seen (None once there are no more)."""
    with_tiers = select(Tier.shop_id).distinct()
    query = (
        select(Member.id, Member.shop_id)
        .where(Member.id > after_member_id, Member.erased_at.is_(None))
        .where(Member.shop_id.in_(with_tiers) | Member.tier_id.is_not(None))
        .order_by(Member.id)
        .limit(RECALCULATE_BATCH)
    )
    rows = session.execute(query).all()
    changed = 0
    shops: dict[int, Shop] = {}
    for member_id, shop_id in rows:
        shop = shops.get(shop_id) or session.get(Shop, shop_id)
        if shop is None:
            continue
        shops[shop_id] = shop
        if recalculate(session, shop, lock_member(session, member_id), now):
            changed += 1
    return changed, (rows[-1][0] if len(rows) == RECALCULATE_BATCH else None)

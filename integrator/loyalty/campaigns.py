"""Campaigns: time-boxed multipliers and bonus points, optionally for one tier, a minimum order or
some products (boost.py applies them to orders; this module validates and stores them). Times come
in ISO 8601 with an offset and are stored in UTC; the pages show them in the shop's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import InvalidSettings, NotFound
from .input_fields import DecimalText, PlainText
from .models import MAX_ROW_ID, Campaign, Shop, Tier, utcnow
from .money import from_minor, to_minor
from .tiers import multiplier_field

EDITABLE = ("name", "starts_at", "ends_at", "multiplier", "bonus_points", "tier_id", "min_order", "product_ids")
MAX_PRODUCTS = 100


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


class CampaignSchema(Schema):
    class Meta:
        unknown = RAISE

    name = PlainText(required=True, validate=[validate.Length(min=1, max=100), _not_blank])
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "ISO 8601 with an offset"})
    ends_at = fields.AwareDateTime(required=True, metadata={"description": "ISO 8601 with an offset (excluded)"})
    multiplier = multiplier_field(load_default=Decimal(1), metadata={"description": "points × this (1 = none)"})
    bonus_points = fields.Integer(strict=True, load_default=0, validate=validate.Range(min=0, max=1_000_000))
    tier_id = fields.Integer(
        strict=True, allow_none=True, load_default=None, metadata={"description": "only this tier"}
    )
    min_order = DecimalText(
        max_places=4,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=Decimal(0), max=Decimal(10**12), min_inclusive=False),
        metadata={"description": "the earning basis (shop currency) an order needs; null = none"},
    )
    product_ids = fields.List(
        PlainText(validate=validate.Length(min=1, max=64)),
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=MAX_PRODUCTS),
        metadata={"description": "only orders with a line item of one of these products; null = any"},
    )


def values_of(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "starts_at": campaign.starts_at,
        "ends_at": campaign.ends_at,
        "multiplier": campaign.multiplier,
        "bonus_points": campaign.bonus_points,
        "tier_id": campaign.tier_id,
        "min_order": campaign.min_order,
        "product_ids": campaign.product_ids,
    }


def _load(session: Session, shop: Shop, payload: Any) -> dict[str, Any]:
    try:
        data: dict[str, Any] = CampaignSchema().load(payload if isinstance(payload, dict) else {})
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise InvalidSettings("invalid campaign", messages) from exc
    errors: dict[str, list[str]] = {}
    if data["ends_at"] <= data["starts_at"]:
        errors["ends_at"] = ["ends_at must be after starts_at"]
    if data["multiplier"] == 1 and data["bonus_points"] == 0:
        errors["multiplier"] = ["a campaign gives a multiplier above 1 or bonus points"]
    tier_id = data["tier_id"]
    if tier_id is not None and (
        not 0 < tier_id <= MAX_ROW_ID
        or session.execute(select(Tier.id).where(Tier.id == tier_id, Tier.shop_id == shop.id)).first() is None
    ):
        errors["tier_id"] = ["no such tier"]
    minimum = data["min_order"]
    if minimum is not None and from_minor(to_minor(minimum, shop.currency), shop.currency) != minimum:
        errors["min_order"] = [f"at most the minor unit of {shop.currency} (like {from_minor(1, shop.currency)})"]
    if errors:
        raise InvalidSettings("invalid campaign", errors)
    data["name"] = data["name"].strip()
    if data["product_ids"] is not None:
        data["product_ids"] = sorted({text.strip() for text in data["product_ids"] if text.strip()}) or None
    return data


def _apply(campaign: Campaign, data: dict[str, Any]) -> None:
    campaign.name = data["name"]
    campaign.starts_at = data["starts_at"].astimezone(UTC)
    campaign.ends_at = data["ends_at"].astimezone(UTC)
    campaign.multiplier = format(data["multiplier"], "f")
    campaign.bonus_points = data["bonus_points"]
    campaign.tier_id = data["tier_id"]
    campaign.min_order = None if data["min_order"] is None else format(data["min_order"], "f")
    campaign.product_ids = data["product_ids"]


def create_campaign(session: Session, shop: Shop, payload: Any) -> Campaign:
    """Validate and add a campaign; InvalidSettings (422) with field errors and nothing stored."""
    data = _load(session, shop, payload)
    campaign = Campaign(shop_id=shop.id, created_at=utcnow())
    _apply(campaign, data)
    session.add(campaign)
    session.flush()
    return campaign


def get_campaign(session: Session, shop_id: int, campaign_id: int) -> Campaign:
    campaign = None
    if 0 < campaign_id <= MAX_ROW_ID:
        query = select(Campaign).where(Campaign.id == campaign_id, Campaign.shop_id == shop_id)
        campaign = session.execute(query).scalar_one_or_none()
    if campaign is None:
        raise NotFound("no such campaign")
    return campaign


def _as_input(campaign: Campaign) -> dict[str, Any]:
    values = values_of(campaign)
    for name in ("starts_at", "ends_at"):
        values[name] = values[name].isoformat()
    return {name: values[name] for name in EDITABLE}


def update_campaign(session: Session, shop: Shop, campaign_id: int, payload: Any) -> Campaign:
    """Change some fields, validated whole. Orders that earned already keep what they were fixed with."""
    campaign = get_campaign(session, shop.id, campaign_id)
    if not isinstance(payload, dict):
        raise InvalidSettings("invalid campaign", {"_schema": ["Invalid input type."]})
    _apply(campaign, _load(session, shop, _as_input(campaign) | payload))
    session.flush()
    return campaign


def delete_campaign(session: Session, shop: Shop, campaign_id: int) -> None:
    session.delete(get_campaign(session, shop.id, campaign_id))
    session.flush()


def campaigns_of(session: Session, shop_id: int) -> list[Campaign]:
    """The shop's campaigns, the latest to start first."""
    query = select(Campaign).where(Campaign.shop_id == shop_id).order_by(Campaign.starts_at.desc(), Campaign.id.desc())
    return list(session.execute(query).scalars())


def running_now(session: Session, shop_id: int, now: datetime, limit: int = 5) -> list[Campaign]:
    """Campaigns running now, soonest to end first (the public programme lists them)."""
    query = (
        select(Campaign)
        .where(Campaign.shop_id == shop_id, Campaign.starts_at <= now, Campaign.ends_at > now)
        .order_by(Campaign.ends_at, Campaign.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())

"""VIP tiers and campaigns (CONTRACT.md: /api/v1/tiers, /api/v1/campaigns)."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from integrator.loyalty.campaigns import (
    CampaignSchema,
    campaigns_of,
    create_campaign,
    delete_campaign,
    get_campaign,
    update_campaign,
)
from integrator.loyalty.campaigns import values_of as campaign_values
from integrator.loyalty.models import Shop
from integrator.loyalty.tier_status import tiers_of
from integrator.loyalty.tiers import TierSchema, create_tier, delete_tier, get_tier, update_tier
from integrator.loyalty.tiers import values_of as tier_values
from integrator.services import services

from .schemas import Listed

blp = Blueprint("tiers", __name__, description="VIP tiers and campaigns")


class TierOut(Schema):
    id = fields.Integer()
    name = fields.String()
    threshold = fields.String(metadata={"description": "decimal string: shop currency or points (tiers.basis)"})
    multiplier = fields.String(metadata={"description": "decimal string"})
    birthday_multiplier = fields.String(metadata={"description": "decimal string"})
    entry_reward_id = fields.Integer(allow_none=True)


class TierList(Listed):
    items = fields.List(fields.Nested(TierOut))


class CampaignOut(Schema):
    id = fields.Integer()
    name = fields.String()
    starts_at = fields.DateTime(metadata={"description": "UTC"})
    ends_at = fields.DateTime(metadata={"description": "UTC, excluded"})
    multiplier = fields.String(metadata={"description": "decimal string"})
    bonus_points = fields.Integer()
    tier_id = fields.Integer(allow_none=True)
    min_order = fields.String(allow_none=True)
    product_ids = fields.List(fields.String(), allow_none=True)


class CampaignList(Listed):
    items = fields.List(fields.Nested(CampaignOut))


class TierPatch(TierSchema):
    """Some of a tier's fields; the tier they make is validated whole (422, nothing changed)."""


class CampaignPatch(CampaignSchema):
    """Some of a campaign's fields; validated whole (422, nothing changed)."""


def _db() -> Any:
    return services().db


def _shop(session: Any) -> Shop:
    return session.execute(select(Shop).where(Shop.id == g.shop.id)).scalar_one()


@blp.route("/tiers")
class Tiers(MethodView):
    @blp.response(200, TierList)
    def get(self) -> dict[str, Any]:
        """The shop's tiers, lowest threshold first."""
        with _db().session() as session:
            found = [tier_values(tier) for tier in tiers_of(session, g.shop.id)]
            return {"items": found, "total": len(found)}

    @blp.arguments(TierSchema)
    @blp.response(201, TierOut)
    def post(self, _body: dict[str, Any]) -> dict[str, Any]:
        """Add a tier: 201 with its id; a sixth tier or invalid fields: 422, nothing stored."""
        with _db().session() as session:
            return tier_values(create_tier(session, _shop(session), request.get_json()))


@blp.route("/tiers/<int:tier_id>")
class TierDetail(MethodView):
    @blp.response(200, TierOut)
    @blp.alt_response(404, description="No such tier in this shop")
    def get(self, tier_id: int) -> dict[str, Any]:
        with _db().session() as session:
            return tier_values(get_tier(session, g.shop.id, tier_id))

    @blp.arguments(TierPatch(partial=True))
    @blp.response(200, TierOut)
    @blp.alt_response(404, description="No such tier in this shop")
    def patch(self, _body: dict[str, Any], tier_id: int) -> dict[str, Any]:
        """Change some fields. Members move at the next recalculation (hourly)."""
        with _db().session() as session:
            return tier_values(update_tier(session, _shop(session), tier_id, request.get_json()))

    @blp.response(204)
    @blp.alt_response(404, description="No such tier in this shop")
    def delete(self, tier_id: int) -> None:
        """Remove a tier: its members hold none until the next recalculation; its campaigns go with
        it; rewards only its members saw are switched off."""
        with _db().session() as session:
            delete_tier(session, _shop(session), tier_id)


@blp.route("/campaigns")
class Campaigns(MethodView):
    @blp.response(200, CampaignList)
    def get(self) -> dict[str, Any]:
        """The shop's campaigns, the latest to start first."""
        with _db().session() as session:
            found = [campaign_values(campaign) for campaign in campaigns_of(session, g.shop.id)]
            return {"items": found, "total": len(found)}

    @blp.arguments(CampaignSchema)
    @blp.response(201, CampaignOut)
    def post(self, _body: dict[str, Any]) -> dict[str, Any]:
        """Add a campaign: orders paid in [starts_at, ends_at) that meet its limits earn × multiplier
        and bonus_points more (the highest multiplier of the campaigns that apply; bonuses add up)."""
        with _db().session() as session:
            return campaign_values(create_campaign(session, _shop(session), request.get_json()))


@blp.route("/campaigns/<int:campaign_id>")
class CampaignDetail(MethodView):
    @blp.response(200, CampaignOut)
    @blp.alt_response(404, description="No such campaign in this shop")
    def get(self, campaign_id: int) -> dict[str, Any]:
        with _db().session() as session:
            return campaign_values(get_campaign(session, g.shop.id, campaign_id))

    @blp.arguments(CampaignPatch(partial=True))
    @blp.response(200, CampaignOut)
    @blp.alt_response(404, description="No such campaign in this shop")
    def patch(self, _body: dict[str, Any], campaign_id: int) -> dict[str, Any]:
        """Change some fields; orders that earned already keep what they were fixed with."""
        with _db().session() as session:
            return campaign_values(update_campaign(session, _shop(session), campaign_id, request.get_json()))

    @blp.response(204)
    @blp.alt_response(404, description="No such campaign in this shop")
    def delete(self, campaign_id: int) -> None:
        with _db().session() as session:
            delete_campaign(session, _shop(session), campaign_id)

"""Rewards members can spend points on."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from integrator.loyalty.models import Shop
from integrator.loyalty.rewards import RewardSchema, create_reward, reward_view, rewards_of

blp = Blueprint("rewards", __name__, description="Rewards members spend points on")


class RewardOut(Schema):
    id = fields.Integer()
    name = fields.String()
    points_cost = fields.Integer()
    kind = fields.String(metadata={"description": "fixed_amount | percentage | free_shipping"})
    value = fields.String(metadata={"description": "decimal: amount in the shop currency, or percent"})


class RewardList(Schema):
    items = fields.List(fields.Nested(RewardOut))


class RewardIn(RewardSchema):
    """A new reward (validated again by the domain, which also checks the value fits the kind)."""


@blp.route("/rewards")
class Rewards(MethodView):
    @blp.response(200, RewardList)
    def get(self) -> dict[str, Any]:
        """The shop's active rewards, cheapest first."""
        with current_app.extensions["setia_db"].session() as session:
            return {"items": [reward_view(r) for r in rewards_of(session, g.shop.id)]}

    @blp.arguments(RewardIn)
    @blp.response(201, RewardOut)
    def post(self, _body: dict[str, Any]) -> dict[str, Any]:
        """Add a reward: 201 with its id; 422 with field errors and nothing stored."""
        with current_app.extensions["setia_db"].session() as session:
            shop = session.execute(select(Shop).where(Shop.id == g.shop.id)).scalar_one()
            return reward_view(create_reward(session, shop, request.get_json()))

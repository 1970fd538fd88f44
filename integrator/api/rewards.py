"""Rewards members can spend points on."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema
from sqlalchemy import select

from integrator.loyalty.models import Reward, Shop
from integrator.loyalty.rewards import (
    RewardSchema,
    create_reward,
    get_reward,
    minor_unit_errors,
    rewards_of,
    update_reward,
)
from integrator.loyalty.shapes import RewardOut
from integrator.services import services

from .schemas import Listed

blp = Blueprint("rewards", __name__, description="Rewards members spend points on")


class RewardList(Listed):
    items = fields.List(fields.Nested(RewardOut))


class RewardQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    include_inactive = fields.Boolean(
        load_default=False, metadata={"description": "also list rewards that are switched off"}
    )


class _InShopCurrency(RewardSchema):
    # Amounts finer than the shop currency's minor unit are field errors like any other, reported
    # in the same answer (the domain checks again, on the whole reward).
    @validates_schema(skip_on_field_errors=False)
    def _fits_currency(self, data: dict[str, Any], **_: Any) -> None:
        errors = minor_unit_errors(data, g.shop.currency)
        if errors:
            raise ValidationError(errors)


class RewardIn(_InShopCurrency):
    """A new reward (validated again by the domain, which also checks the value fits the kind)."""


class RewardPatch(_InShopCurrency):
    """Some of a reward's fields; the reward they make is validated whole (422, nothing changed)."""


def _db() -> Any:
    return services().db


def _shop(session: Any) -> Shop:
    return session.execute(select(Shop).where(Shop.id == g.shop.id)).scalar_one()


@blp.route("/rewards")
class Rewards(MethodView):
    @blp.arguments(RewardQuery, location="query")
    @blp.response(200, RewardList)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The shop's active rewards (all of them with `include_inactive=true`), cheapest first."""
        with _db().session() as session:
            found = rewards_of(session, g.shop.id, include_inactive=query["include_inactive"])
            return {"items": found, "total": len(found)}

    @blp.arguments(RewardIn)
    @blp.response(201, RewardOut)
    def post(self, _body: dict[str, Any]) -> Reward:
        """Add a reward: 201 with its id; 422 with field errors and nothing stored."""
        with _db().session() as session:
            return create_reward(session, _shop(session), request.get_json())


@blp.route("/rewards/<int:reward_id>")
class RewardDetail(MethodView):
    @blp.response(200, RewardOut)
    @blp.alt_response(404, description="No such reward in this shop")
    def get(self, reward_id: int) -> Reward:
        """One reward, active or not."""
        with _db().session() as session:
            return get_reward(session, g.shop.id, reward_id)

    @blp.arguments(RewardPatch(partial=True))
    @blp.response(200, RewardOut)
    @blp.alt_response(404, description="No such reward in this shop")
    def patch(self, _body: dict[str, Any], reward_id: int) -> Reward:
        """Change some fields (e.g. `{"active": false}` to stop offering it); the whole reward;
        422 with field errors and nothing changed. Codes already issued keep their terms."""
        with _db().session() as session:
            return update_reward(session, _shop(session), reward_id, request.get_json())

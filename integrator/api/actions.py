"""Custom ways to earn: the actions a merchant configures, and crediting one to a member."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from integrator import jobs
from integrator.loyalty.action_schemas import ActionIn, ActionOut, ActionPatch, CreditIn
from integrator.loyalty.custom_actions import (
    actions_of,
    create_action,
    credit_action,
    delete_action,
    get_action,
    update_action,
)
from integrator.loyalty.members import get_member
from integrator.loyalty.models import CustomAction, Shop
from integrator.loyalty.shapes import EntrySchema, MemberSchema, entry_values, member_values
from integrator.services import services

from .schemas import Listed

blp = Blueprint("actions", __name__, description="Custom ways to earn that the merchant's other systems credit")


class ActionList(Listed):
    items = fields.List(fields.Nested(ActionOut))


class CreditResult(Schema):
    entry = fields.Nested(EntrySchema)
    member = fields.Nested(MemberSchema)
    created = fields.Boolean()


@blp.route("/actions")
class Actions(MethodView):
    @blp.response(200, ActionList)
    def get(self) -> dict[str, Any]:
        """The shop's custom actions."""
        with services().db.session() as session:
            found = actions_of(session, g.shop.id)
            return {"items": found, "total": len(found)}

    @blp.arguments(ActionIn)
    @blp.response(201, ActionOut)
    @blp.alt_response(409, description="An action with this name exists")
    def post(self, body: dict[str, Any]) -> CustomAction:
        """Add an action `{"name", "points", "limit", "period"}`: 201 with its id."""
        return jobs.in_transaction(lambda session: create_action(session, g.shop.id, body))


@blp.route("/actions/<int:action_id>")
class ActionDetail(MethodView):
    @blp.response(200, ActionOut)
    @blp.alt_response(404, description="No such action in this shop")
    def get(self, action_id: int) -> CustomAction:
        with services().db.session() as session:
            return get_action(session, g.shop.id, action_id)

    @blp.arguments(ActionPatch(partial=True))
    @blp.response(200, ActionOut)
    @blp.alt_response(404, description="No such action in this shop")
    def patch(self, body: dict[str, Any], action_id: int) -> CustomAction:
        """Change points, limit or period (credits already made stay)."""
        return jobs.in_transaction(
            lambda session: update_action(session, get_action(session, g.shop.id, action_id), body)
        )

    @blp.response(204)
    @blp.alt_response(404, description="No such action in this shop")
    def delete(self, action_id: int) -> None:
        """Stop offering the action; what it credited stays in the ledger."""
        jobs.in_transaction(lambda session: delete_action(session, get_action(session, g.shop.id, action_id)))


@blp.route("/members/<int:member_id>/actions")
class MemberActions(MethodView):
    @blp.arguments(CreditIn)
    @blp.response(201, CreditResult)
    @blp.alt_response(
        200, schema=CreditResult, description="Replay of an idempotency key: the first credit, nothing more"
    )
    @blp.alt_response(404, description="No such member or action")
    @blp.alt_response(
        409, description="The action's limit for the period is reached, or the key was used for another credit"
    )
    def post(self, body: dict[str, Any], member_id: int) -> tuple[dict[str, Any], int]:
        """Credit a custom action to a member (e.g. a product review from a reviews app)."""

        def work(session: Any) -> tuple[dict[str, Any], int]:
            shop = session.get(Shop, g.shop.id)
            member = get_member(session, g.shop.id, member_id)
            done = credit_action(session, shop, member, body["action"], body["idempotency_key"])
            session.flush()
            session.refresh(member)
            view = {
                "entry": entry_values(done.entry, g.shop.currency),
                "member": member_values(member, g.shop.currency),
                "created": done.created,
            }
            return view, 201 if done.created else 200

        return jobs.in_transaction(work)

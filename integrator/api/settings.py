"""The shop's loyalty settings and their history."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from integrator.loyalty.models import SettingsChange, Shop
from integrator.loyalty.rows import count_rows
from integrator.loyalty.settings import SettingsSchema, current_settings, update_settings
from integrator.services import services

from .schemas import Listed, PageQuery

blp = Blueprint("settings", __name__, description="Earning rules and programme settings")


class SettingsPatch(SettingsSchema):
    """Any subset of the settings; nested objects may be partial too."""


class ChangeSchema(Schema):
    id = fields.Integer()
    actor = fields.String()
    changes = fields.Dict(metadata={"description": '{"key": {"from": old, "to": new}}'})
    created_at = fields.DateTime()


class ChangeList(Listed):
    items = fields.List(fields.Nested(ChangeSchema))


@blp.route("/settings")
class Settings(MethodView):
    @blp.response(200, SettingsSchema)
    def get(self) -> dict[str, Any]:
        """The whole settings, defaults filled in."""
        with services().db.session() as session:
            shop = session.execute(select(Shop).where(Shop.id == g.shop.id)).scalar_one()
            return current_settings(shop)

    @blp.arguments(SettingsPatch(partial=True))
    @blp.response(200, SettingsSchema)
    def patch(self, _loaded: dict[str, Any]) -> dict[str, Any]:
        """Change some settings: all of them or, on any invalid value, none (422 with field errors)."""
        with services().db.session() as session:
            shop = session.execute(select(Shop).where(Shop.id == g.shop.id).with_for_update()).scalar_one()
            return update_settings(session, shop, request.get_json(), g.actor)


@blp.route("/settings/changes")
class SettingsChanges(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, ChangeList)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Who changed what, and when; newest first."""
        with services().db.session() as session:
            rows = session.execute(
                select(SettingsChange)
                .where(SettingsChange.shop_id == g.shop.id)
                .order_by(SettingsChange.id.desc())
                .offset((query["page"] - 1) * query["page_size"])
                .limit(query["page_size"])
            ).scalars()
            total = count_rows(session, SettingsChange, SettingsChange.shop_id == g.shop.id)
            return {"items": list(rows), "total": total}

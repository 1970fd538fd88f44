"""A member's coupons (unboxing, rewards) and where each stands on the store."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from integrator.loyalty.coupons import coupons_of
from integrator.loyalty.members import get_member
from integrator.services import services

blp = Blueprint("coupons", __name__, description="Discount codes issued to members")


class CouponSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    kind = fields.String(metadata={"description": "unboxing | reward"})
    status = fields.String(metadata={"description": "pending (not on the store yet) | active | failed"})
    platform = fields.String()
    platform_id = fields.String(allow_none=True, metadata={"description": "the discount's id on the store"})
    value_type = fields.String(metadata={"description": "percentage | fixed_amount | free_shipping"})
    value = fields.String(metadata={"description": "decimal string: percent, or amount in the shop currency"})
    source_id = fields.String(allow_none=True, metadata={"description": "the order that earned it"})
    starts_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True, metadata={"description": "why the store refused it, if it did"})
    created_at = fields.DateTime()


class CouponList(Schema):
    items = fields.List(fields.Nested(CouponSchema))


@blp.route("/members/<int:member_id>/coupons")
class MemberCoupons(MethodView):
    @blp.response(200, CouponList)
    def get(self, member_id: int) -> dict[str, Any]:
        """The member's coupons, newest first."""
        with services().db.session() as session:
            member = get_member(session, g.shop.id, member_id)
            return {"items": coupons_of(session, member)}

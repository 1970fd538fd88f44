"""A member's coupons (unboxing, rewards) and where each stands on the store."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from integrator.loyalty.coupons import coupons_of
from integrator.loyalty.members import get_member
from integrator.loyalty.shapes import CouponSchema
from integrator.services import services

from .schemas import Listed

blp = Blueprint("coupons", __name__, description="Discount codes issued to members")


class CouponList(Listed):
    items = fields.List(fields.Nested(CouponSchema))


@blp.route("/members/<int:member_id>/coupons")
class MemberCoupons(MethodView):
    @blp.response(200, CouponList)
    def get(self, member_id: int) -> dict[str, Any]:
        """The member's coupons, newest first."""
        with services().db.session() as session:
            member = get_member(session, g.shop.id, member_id)
            found = coupons_of(session, member)
            return {"items": found, "total": len(found)}

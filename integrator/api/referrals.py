"""Referrals: the list (with the review queue as `status=review`), approve and reject."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from integrator import jobs
from integrator.loyalty.referral_orders import review
from integrator.loyalty.referral_stats import STATUSES, ReferralOut, referral_out, referrals_of
from integrator.services import services

from .schemas import Listed, PageQuery

blp = Blueprint("referrals", __name__, description="Referrals: friends' orders with an advocate's friend code")


class ReferralQuery(PageQuery):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class ReferralList(Listed):
    items = fields.List(fields.Nested(ReferralOut))


class Decision(Schema):
    """An empty JSON object: the decision is the path."""


@blp.route("/referrals")
class Referrals(MethodView):
    @blp.arguments(ReferralQuery, location="query")
    @blp.response(200, ReferralList)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The shop's referrals, newest first; `status=review` is the review queue (flagged by a
        fraud check, with each check's reason and evidence)."""
        with services().db.session() as session:
            items, total = referrals_of(session, g.shop.id, query["status"], query["page"], query["page_size"])
        return {"items": items, "total": total}


def _decide(referral_id: int, approve: bool) -> dict[str, Any]:
    def work(session: Any) -> dict[str, Any]:
        review(session, g.shop, referral_id, approve, g.actor)
        return referral_out(session, g.shop.id, referral_id)

    result: dict[str, Any] = jobs.in_transaction(work)
    return result


@blp.route("/referrals/<int:referral_id>/approve")
class Approve(MethodView):
    @blp.arguments(Decision)
    @blp.response(200, ReferralOut)
    @blp.alt_response(404, description="No such referral in this shop")
    @blp.alt_response(409, description="The referral is not waiting for review")
    def post(self, _: dict[str, Any], referral_id: int) -> dict[str, Any]:
        """Approve a referral in review: it pays once its hold has passed (at once if it has), exactly
        once. 409 when it is not in review."""
        return _decide(referral_id, True)


@blp.route("/referrals/<int:referral_id>/reject")
class Reject(MethodView):
    @blp.arguments(Decision)
    @blp.response(200, ReferralOut)
    @blp.alt_response(404, description="No such referral in this shop")
    @blp.alt_response(409, description="The referral is not waiting for review")
    def post(self, _: dict[str, Any], referral_id: int) -> dict[str, Any]:
        """Reject a referral in review: it never pays. 409 when it is not in review."""
        return _decide(referral_id, False)

"""The unboxing cards of a range of days: each order's code, its scan link and how often it was
scanned, and when its card was printed (docs/unboxing.md)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from integrator.error_texts import translated
from integrator.loyalty.models import utcnow
from integrator.loyalty.unboxing import MAX_DAYS, BadRange, cards_between, day_range
from integrator.services import services

blp = Blueprint("unboxing", __name__, description="Unboxing cards: printed codes and their scans")


class CardQuery(Schema):
    from_ = fields.Date(
        data_key="from", load_default=None, metadata={"description": "first day (YYYY-MM-DD, shop's time zone); today"}
    )
    to = fields.Date(load_default=None, metadata={"description": f"last day, included; at most {MAX_DAYS} days"})


class CardSchema(Schema):
    order = fields.String(required=True, metadata={"description": "the platform's order id"})
    order_name = fields.String(allow_none=True, metadata={"description": "the order's name (#1001), if known"})
    code = fields.String(required=True)
    scan_url = fields.String(required=True, metadata={"description": "APP_URL/u/<token>: the card's QR code"})
    scans = fields.Integer(required=True, metadata={"description": "scans by people (not bots, not HEAD)"})
    printed_at = fields.DateTime(allow_none=True, metadata={"description": "last time the card was marked printed"})
    prints = fields.Integer(metadata={"description": "how many times it was marked printed"})
    issued_at = fields.DateTime(metadata={"description": "when the code was made"})
    expires_at = fields.DateTime(allow_none=True)
    status = fields.String(metadata={"description": "the code on the store: pending | active | failed"})
    redeemed = fields.Boolean(metadata={"description": "an order used the code"})


class CardList(Schema):
    items = fields.List(fields.Nested(CardSchema))


@blp.route("/unboxing/cards")
class UnboxingCards(MethodView):
    @blp.arguments(CardQuery, location="query")
    @blp.response(200, CardList)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The cards of the unboxing codes made on these days, oldest first (at most 1000)."""
        args = {key: value.isoformat() for key, value in (("from", query["from_"]), ("to", query["to"])) if value}
        try:
            first, last = day_range(g.shop, args, utcnow())
        except BadRange as exc:
            abort(422, message=translated(str(exc)))
        app_url = services().config.app_url
        with services().db.session() as session:
            cards = cards_between(session, g.shop, first, last)
        return {
            "items": [
                {
                    "order": card.order_id,
                    "order_name": card.order_name,
                    "code": card.code,
                    "scan_url": f"{app_url}/u/{card.token}",
                    "scans": card.scans,
                    "printed_at": card.printed_at,
                    "prints": card.prints,
                    "issued_at": card.issued_at,
                    "expires_at": card.expires_at,
                    "status": card.status,
                    "redeemed": card.redeemed_at is not None,
                }
                for card in cards
            ]
        }

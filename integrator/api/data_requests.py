"""Privacy requests from the platform (customers/data_request, customers/redact) and their results:
a data request's export is what the merchant sends the shopper who asked."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from integrator.loyalty.email_requests import KINDS, request_by_email
from integrator.loyalty.input_fields import PlainText, storable_text
from integrator.loyalty.models import DataRequest, Shop
from integrator.loyalty.privacy import data_requests_of, get_data_request
from integrator.loyalty.rows import count_rows
from integrator.services import services

from .schemas import Listed, PageQuery

blp = Blueprint("data_requests", __name__, description="Shoppers' privacy requests and their data exports")


class DataRequestSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "data_request | customer_redact"})
    status = fields.String(metadata={"description": "received | completed"})
    platform_customer_id = fields.String(allow_none=True)
    member_id = fields.Integer(allow_none=True)
    platform_request_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)


class DataRequestDetail(DataRequestSchema):
    export = fields.Dict(
        allow_none=True,
        metadata={"description": "member, ledger, coupons, orders, store_credit_transfers (null once redacted)"},
    )


class DataRequestCreate(Schema):
    kind = PlainText(required=True, validate=validate.OneOf(KINDS))
    email = fields.Email(required=True, validate=[validate.Length(max=320), storable_text])


class DataRequestList(Listed):
    items = fields.List(fields.Nested(DataRequestSchema))


def _db() -> Any:
    return services().db


@blp.route("/data-requests")
class DataRequests(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, DataRequestList)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Privacy requests received for this shop, newest first."""
        with _db().session() as session:
            found = data_requests_of(session, g.shop.id, query["page"], query["page_size"])
            return {"items": found, "total": count_rows(session, DataRequest, DataRequest.shop_id == g.shop.id)}

    @blp.arguments(DataRequestCreate)
    @blp.response(201, DataRequestDetail)
    def post(self, body: dict[str, Any]) -> Any:
        """Export (data_request) or erase (customer_redact) the shopper with this email, now: what
        the platforms' compliance webhooks do, for stores without them (the WordPress plugin's
        personal data exporter and eraser). Erasure keeps amounts and the ledger, anonymised."""
        with _db().session() as session:
            shop = session.execute(select(Shop).where(Shop.id == g.shop.id)).scalar_one()
            return request_by_email(session, shop, body["kind"], body["email"])


@blp.route("/data-requests/<int:request_id>")
class DataRequestView(MethodView):
    @blp.response(200, DataRequestDetail)
    def get(self, request_id: int) -> Any:
        """One request, with the shopper's data export for a data request."""
        with _db().session() as session:
            return get_data_request(session, g.shop.id, request_id)

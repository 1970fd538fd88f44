"""Shapes of what the merchant API takes, and its lists and results around the resources' own
shapes (integrator/loyalty/shapes.py, shared with the widget API, merchant pages and exports)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from integrator.loyalty.input_fields import PlainText, WholeNumber
from integrator.loyalty.shapes import EntrySchema, MemberSchema


class PageQuery(Schema):
    page = WholeNumber(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = WholeNumber(load_default=50, validate=validate.Range(min=1, max=200))


class MemberQuery(PageQuery):
    email = PlainText(load_default=None, validate=validate.Length(max=320))


class Listed(Schema):
    """What every list answer carries besides its page of `items`."""

    total = fields.Integer(required=True, metadata={"description": "how many there are in all, across pages"})


class MemberList(Listed):
    items = fields.List(fields.Nested(MemberSchema))


class EntryList(Listed):
    items = fields.List(fields.Nested(EntrySchema))


class AdjustmentSchema(Schema):
    points = fields.Integer(
        required=True,
        strict=True,
        validate=[
            validate.Range(min=-1_000_000_000, max=1_000_000_000),
            validate.NoneOf([0], error="must not be zero"),
        ],
    )
    reason = PlainText(required=True, validate=validate.Length(min=1, max=400))
    idempotency_key = PlainText(required=True, validate=validate.Length(min=1, max=150))


class AdjustmentResult(Schema):
    entry = fields.Nested(EntrySchema)
    member = fields.Nested(MemberSchema)
    created = fields.Boolean()

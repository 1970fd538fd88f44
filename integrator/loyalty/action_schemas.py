"""The one shape of a custom action, in and out: the merchant API and the ways-to-earn page
validate with these (names are what other systems send: lowercase letters, digits, _ and -)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from .custom_actions import PERIODS
from .input_fields import PlainText

NAME = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,39}\Z", error="Lowercase letters, digits, _ and - (at most 40).")


class ActionIn(Schema):
    class Meta:
        unknown = RAISE

    name = PlainText(required=True, validate=NAME)
    points = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1_000_000))
    limit = fields.Integer(
        load_default=1,
        strict=True,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "how many times a member may earn it per period"},
    )
    period = PlainText(load_default="lifetime", validate=validate.OneOf(PERIODS))


class ActionPatch(ActionIn):
    """Points, limit or period; the name is what callers send and cannot change."""

    class Meta:
        unknown = RAISE
        exclude = ("name",)


class ActionOut(Schema):
    id = fields.Integer()
    name = fields.String()
    points = fields.Integer()
    limit = fields.Integer()
    period = fields.String(
        metadata={"description": "day | week | month | year | lifetime (days in the shop's time zone)"}
    )
    created_at = fields.DateTime()


class CreditIn(Schema):
    class Meta:
        unknown = RAISE

    action = PlainText(required=True, validate=validate.Length(min=1, max=40))
    idempotency_key = PlainText(required=True, validate=validate.Length(min=1, max=100))


ACTION = ActionOut()

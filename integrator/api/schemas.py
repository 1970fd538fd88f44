"""Shapes of what the merchant API takes and gives (marshmallow)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from integrator.loyalty.input_fields import PlainText, WholeNumber
from integrator.loyalty.models import LedgerEntry, Member
from integrator.loyalty.money import format_minor_string


class PageQuery(Schema):
    page = WholeNumber(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = WholeNumber(load_default=50, validate=validate.Range(min=1, max=200))


class MemberQuery(PageQuery):
    email = PlainText(load_default=None, validate=validate.Length(max=320))


class MemberSchema(Schema):
    id = fields.Integer()
    email = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    platform_customer_id = fields.String()
    points_available = fields.Integer()
    points_pending = fields.Integer()
    points_owed = fields.Integer(metadata={"description": "points taken back that the balance could not cover"})
    lifetime_points = fields.Integer()
    cashback_available = fields.String(metadata={"description": "decimal string, shop currency"})
    cashback_pending = fields.String()
    cashback_owed = fields.String()
    currency = fields.String()
    tier = fields.String(allow_none=True)
    created_at = fields.DateTime()


def member_view(member: Member, currency: str) -> dict[str, Any]:
    return {
        "id": member.id,
        "email": member.email,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "platform_customer_id": member.platform_customer_id,
        "points_available": member.points_available,
        "points_pending": member.points_pending,
        "points_owed": member.points_debt,
        "lifetime_points": member.lifetime_points,
        "cashback_available": format_minor_string(member.cashback_available, currency),
        "cashback_pending": format_minor_string(member.cashback_pending, currency),
        "cashback_owed": format_minor_string(member.cashback_debt, currency),
        "currency": currency,
        "tier": None,
        "created_at": member.created_at,
    }


class MemberList(Schema):
    items = fields.List(fields.Nested(MemberSchema))


class EntrySchema(Schema):
    id = fields.Integer()
    account = fields.String(metadata={"description": "points | cashback"})
    state = fields.String(metadata={"description": "pending | available | debt (owed)"})
    kind = fields.String(metadata={"description": "earn, vest, takeback, settle, adjust, ..."})
    points = fields.Integer(allow_none=True, metadata={"description": "signed; null for cashback entries"})
    cashback = fields.String(allow_none=True, metadata={"description": "signed decimal; null for points"})
    source = fields.String()
    source_id = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    available_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


def entry_view(entry: LedgerEntry, currency: str) -> dict[str, Any]:
    is_points = entry.account == "points"
    return {
        "id": entry.id,
        "account": entry.account,
        "state": entry.state,
        "kind": entry.kind,
        "points": entry.amount if is_points else None,
        "cashback": None if is_points else format_minor_string(entry.amount, currency),
        "source": entry.source,
        "source_id": entry.source_id,
        "reason": entry.reason,
        "available_at": entry.available_at,
        "created_at": entry.created_at,
    }


class EntryList(Schema):
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

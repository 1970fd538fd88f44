"""Members, their ledger, and adjustments."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from integrator import jobs
from integrator.loyalty.members import (
    adjust_points,
    count_ledger,
    count_members,
    get_member,
    ledger_of,
    search_members,
)
from integrator.loyalty.pending import pending_of
from integrator.loyalty.shapes import entry_values, member_values
from integrator.services import services

from .schemas import (
    AdjustmentResult,
    AdjustmentSchema,
    EntryList,
    MemberList,
    MemberQuery,
    MemberSchema,
    PageQuery,
)

blp = Blueprint("members", __name__, description="Members of the loyalty programme")


def _db() -> Any:
    return services().db


@blp.route("/members")
class Members(MethodView):
    @blp.arguments(MemberQuery, location="query")
    @blp.response(200, MemberList)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Members, optionally those with an email address (case-insensitive)."""
        with _db().session() as session:
            found = search_members(session, g.shop.id, query["email"], query["page"], query["page_size"])
            total = count_members(session, g.shop.id, query["email"])
            return {"items": [member_values(m, g.shop.currency) for m in found], "total": total}


@blp.route("/members/<int:member_id>")
class MemberDetail(MethodView):
    @blp.response(200, MemberSchema)
    def get(self, member_id: int) -> dict[str, Any]:
        """One member and its balances."""
        with _db().session() as session:
            return member_values(get_member(session, g.shop.id, member_id), g.shop.currency)


@blp.route("/members/<int:member_id>/ledger")
class MemberLedger(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, EntryList)
    def get(self, query: dict[str, Any], member_id: int) -> dict[str, Any]:
        """The member's ledger entries, newest first."""
        with _db().session() as session:
            member = get_member(session, g.shop.id, member_id)
            entries = ledger_of(session, member, query["page"], query["page_size"])
            total = count_ledger(session, member)
            return {"items": [entry_values(e, g.shop.currency) for e in entries], "total": total}


class PendingLine(Schema):
    order = fields.String(allow_none=True, metadata={"description": "the order's name (#1001)"})
    points = fields.Integer()
    cashback = fields.String(metadata={"description": "decimal, shop currency"})
    available_at = fields.String(
        allow_none=True, metadata={"description": "ISO 8601; null while it waits for fulfilment"}
    )
    waits_for = fields.String(allow_none=True, metadata={"description": '"fulfilment" or null'})


class PendingList(Schema):
    items = fields.List(fields.Nested(PendingLine))


@blp.route("/members/<int:member_id>/pending")
class MemberPending(MethodView):
    @blp.response(200, PendingList)
    def get(self, member_id: int) -> dict[str, Any]:
        """The member's pending points and cashback per order, with the day each becomes available."""
        with _db().session() as session:
            member = get_member(session, g.shop.id, member_id)
            return {"items": pending_of(session, g.shop.id, member.id, g.shop.currency)}


@blp.route("/members/<int:member_id>/adjustments")
class MemberAdjustments(MethodView):
    @blp.arguments(AdjustmentSchema)
    @blp.response(201, AdjustmentResult)
    @blp.alt_response(200, schema=AdjustmentResult, description="Replay of an idempotency key: the first result")
    @blp.alt_response(409, description="Not enough points, or the key was used for another adjustment")
    def post(self, body: dict[str, Any], member_id: int) -> tuple[dict[str, Any], int]:
        """Add (or remove) points; the same idempotency_key never applies twice."""

        def work(session: Any) -> tuple[dict[str, Any], int]:
            member = get_member(session, g.shop.id, member_id)
            entry, created = adjust_points(
                session, member, body["points"], body["reason"], body["idempotency_key"], g.actor
            )
            session.flush()
            session.refresh(member)
            view = {
                "entry": entry_values(entry, g.shop.currency),
                "member": member_values(member, g.shop.currency),
                "created": created,
            }
            return view, 201 if created else 200

        return jobs.in_transaction(work)

"""The ways to earn, for a signed shopper: GET earn (each way's state), PUT (or POST, for the app
proxy) birthday, POST social/<network> (the click-through to the shop's profile). The shop, CORS
and the rate limits come from views.py's hooks on the same blueprint; the Shopify app proxy calls
the same answers once Shopify's signature names the shopper."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from sqlalchemy.orm import Session

from connectors.base import Customer
from integrator import jobs
from integrator.http_errors import json_error
from integrator.loyalty.birthdays import birthday_view, set_birthday
from integrator.loyalty.bonuses import SOCIAL_NETWORKS, follow, social_url
from integrator.loyalty.members import enroll, find_member
from integrator.loyalty.models import Member, Shop
from integrator.loyalty.ways_to_earn import ways_for

from . import answers, bp
from .access import signed_customer, widget_shop


def earn(shop: Shop, customer: str) -> Response:
    return answers.answer(answers._read(lambda session: ways_for(session, shop, customer)), answers.PRIVATE)


def _member(session: Session, shop: Shop, customer: str) -> Member:
    """The signed-in shopper's member; a logged-in customer not seen yet is enrolled (no sign-up
    bonus here: that is for the platform's account record, customers/create)."""
    return find_member(session, shop.id, customer) or enroll(session, shop, Customer(customer))


def birthday(shop: Shop, customer: str) -> Response:
    """{"month": 1-12, "day": 1-31} → 200 with the birthday; 422 for an impossible date, 409 for a
    change within a year of the last."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(422, "invalid birthday", {"month": ["Month 1-12 and day 1-31 are expected."]})

    def work(session: Session) -> dict[str, Any]:
        row = set_birthday(session, _member(session, shop, customer), body.get("month"), body.get("day"))
        return {"birthday": birthday_view(row)}

    return answers.answer(jobs.in_transaction(work), answers.PRIVATE)


def social(shop: Shop, customer: str, network: str) -> Response:
    """The shopper clicked through to the shop's profile: 200 {"credited", "points", "url"}; the
    first click per network earns, the next ones change nothing. 404 for a network the shop has
    not set."""
    url = social_url(shop, network) if network in SOCIAL_NETWORKS else None
    if url is None:
        return json_error(404, "not found")

    def work(session: Session) -> dict[str, Any]:
        return {**follow(session, shop, _member(session, shop, customer), network), "url": url}

    return answers.answer(jobs.in_transaction(work), answers.PRIVATE)


@bp.get("/<public_id>/earn")
def earn_view(public_id: str) -> Response:
    return earn(widget_shop(), signed_customer())


@bp.route("/<public_id>/birthday", methods=["PUT", "POST"])
def birthday_view_route(public_id: str) -> Response:
    return birthday(widget_shop(), signed_customer())


@bp.post("/<public_id>/social/<network>")
def social_view(public_id: str, network: str) -> Response:
    return social(widget_shop(), signed_customer(), network)

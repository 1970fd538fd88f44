"""One function per answer of the shopper-facing API, called by the widget API (views.py) and by
the Shopify app proxy (integrator/shopify/proxy.py) once each has identified the shop and, where
needed, the shopper: validate → one domain function → JSON with cache headers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from flask import Response, jsonify, request
from marshmallow import EXCLUDE, Schema, ValidationError, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from integrator import jobs
from integrator.http_errors import json_error
from integrator.loyalty.estimate import MAX_BASIS, estimate, estimate_answer
from integrator.loyalty.history import MAX_PAGE_SIZE, history_of
from integrator.loyalty.input_fields import DecimalText, WholeNumber
from integrator.loyalty.members import find_member
from integrator.loyalty.models import Coupon, Shop, utcnow
from integrator.loyalty.referrals import friend_code_of
from integrator.loyalty.rewards import redeem
from integrator.loyalty.shapes import REDEEMED_COUPON
from integrator.loyalty.shopper import balances_of, codes_of, locale_of, order_of, programme_of, unboxing_of
from integrator.platform_registry import apply_path
from integrator.services import services

PRIVATE = "private, no-store"
PUBLIC = "public, max-age=60"


def answer(body: dict[str, Any], cache_control: str, status: int = 200, etag: bool = False) -> Response:
    """JSON with its Cache-Control; with `etag`, a strong ETag and 304 for a matching If-None-Match."""
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = cache_control
    if etag:
        response.add_etag()
        response.make_conditional(request)
    return response


def _read(work: Callable[[Session], dict[str, Any]]) -> dict[str, Any]:
    with services().db.session() as session:
        return work(session)


def me(shop: Shop, customer: str) -> Response:
    return answer(_read(lambda session: balances_of(session, shop, customer)), PRIVATE, etag=True)


def program(shop: Shop) -> Response:
    return answer(_read(lambda session: programme_of(session, shop, apply_path(shop))), PUBLIC, etag=True)


class HistoryQuery(Schema):
    class Meta:
        unknown = EXCLUDE  # the identity (customer, ts, sig; or the proxy's) rides along

    page = WholeNumber(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = WholeNumber(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


def history(shop: Shop, customer: str, args: Mapping[str, str]) -> Response:
    try:
        query = HistoryQuery().load(dict(args))
    except ValidationError as exc:
        return json_error(422, "invalid input", exc.messages)
    body = _read(lambda session: history_of(session, shop, customer, query["page"], query["page_size"]))
    return answer(body, PRIVATE)


class EstimateQuery(Schema):
    class Meta:
        unknown = EXCLUDE  # the identity rides along

    subtotal = DecimalText(
        required=True,
        max_places=4,
        validate=validate.Range(min=Decimal(0), max=MAX_BASIS),
        metadata={"description": "the cart's earning basis in the shop currency (subtotal after discounts)"},
    )


def earn_estimate(shop: Shop, customer: str | None, args: Mapping[str, str]) -> Response:
    """What an order of `subtotal` earns (integrator/loyalty/estimate.py), for the signed shopper
    (`customer`) or a guest (None); 422 for a subtotal that is not a plain decimal in range."""
    try:
        query = EstimateQuery().load(dict(args))
    except ValidationError as exc:
        return json_error(422, "invalid input", exc.messages)

    def work(session: Session) -> dict[str, Any]:
        member = find_member(session, shop.id, customer) if customer is not None else None
        found = estimate(session, shop, member, query["subtotal"], utcnow())
        return estimate_answer(found, locale_of(shop))

    return answer(_read(work), PUBLIC if customer is None else PRIVATE)


def unboxing(shop: Shop, customer: str) -> Response:
    return answer(_read(lambda session: unboxing_of(session, shop, customer)), PRIVATE)


def codes(shop: Shop, customer: str) -> Response:
    """My codes: the shopper's usable codes, newest first (integrator/loyalty/shopper.py codes_of);
    `received`: a friend's code the shopper arrived with, listed first (source `referral`)."""
    received = request.args.get("received")
    return answer(_read(lambda session: codes_of(session, shop, customer, received=received)), PRIVATE)


def order(shop: Shop, customer: str, platform_order_id: str) -> Response:
    """The thank-you element's data; 404 {"error": "unknown order"} (NotFound) otherwise."""
    return answer(_read(lambda session: order_of(session, shop, customer, platform_order_id)), PRIVATE)


def issued(shop: Shop, customer: str, coupon_id: int, shape: Schema) -> Response:
    """201 with a coupon just recorded, once the store has been asked to make it (inline without
    Redis; a worker otherwise: then it is `pending`) in `shape` (one of integrator/loyalty/shapes.py's
    shopper subsets), and the shopper's new balances."""
    jobs.enqueue(jobs.push_coupon, coupon_id)

    def read(session: Session) -> dict[str, Any]:
        coupon = session.execute(select(Coupon).where(Coupon.id == coupon_id)).scalar_one()
        return {**shape.dump(coupon), "balances": balances_of(session, shop, customer)["balances"]}

    return answer(_read(read), PRIVATE, status=201)


def redemption(shop: Shop, customer: str) -> Response:
    """Spend points on a reward: 201 with the coupon (`active`, or `pending` while the store has not
    confirmed it), 409 when the balance is too low (nothing spent), 404 for an unknown reward, 422
    for a body that is not JSON {"reward_id": int} (so a plain cross-site form cannot post one)."""
    body = request.get_json(silent=True)
    reward_id = body.get("reward_id") if isinstance(body, dict) else None
    if isinstance(reward_id, bool) or not isinstance(reward_id, int):
        return json_error(422, "invalid input", {"reward_id": ["An integer reward id is required."]})
    coupon_id = jobs.in_transaction(lambda session: redeem(session, shop, customer, reward_id).id)
    return issued(shop, customer, coupon_id, REDEEMED_COUPON)


def referral(shop: Shop, customer: str) -> Response:
    """The shopper's friend code and its link (`APP_URL/ref/<code>`), recorded on first ask (the
    shopper enrolled); a new code is made on the store by a job. 404 when referrals are off."""
    link, created = jobs.in_transaction(lambda session: friend_code_of(session, shop, customer))
    if created is not None:
        jobs.enqueue(jobs.push_friend_codes, shop.id)
    url = f"{services().config.app_url}/ref/{link.code}"
    return answer({"code": link.code, "url": url}, PRIVATE)

"""POST /widget/v1/<public_id>/cashback-redemptions: a signed shopper spends cashback on a
fixed-amount code. The shop, CORS and the per-client limit come from views.py's hooks on the same
blueprint; the shopper's limit is counted once the signature is good."""

from __future__ import annotations

import time
from typing import Any

from flask import Response, g, request
from sqlalchemy import select

from integrator import jobs
from integrator.loyalty.cashback import parse_cashback_amount, redeem_cashback
from integrator.loyalty.models import Coupon, Shop
from integrator.loyalty.shopper import balances_of
from integrator.platform_registry import store_credit_supported
from integrator.services import services

from . import bp
from .identity import verify_shopper
from .views import PRIVATE, _answer, _limited, _too_many


@bp.post("/<public_id>/cashback-redemptions")
def cashback_redemptions(public_id: str) -> Response:
    """Spend cashback: 201 with the code (`pending` until the store confirms it); 409 when the
    available cashback is less (nothing spent) or the shop pays cashback as store credit; 422 for a
    bad amount."""
    shop: Shop = g.widget_shop
    secret = services().box.decrypt(shop.widget_secret_enc)
    customer = verify_shopper(request.args, secret, int(time.time()))
    retry_after = _limited("shopper", f"{public_id}:{customer}")
    if retry_after is not None:
        return _too_many(retry_after)
    return cashback_redemption(shop, customer)


def cashback_redemption(shop: Shop, customer: str) -> Response:
    """The answer for a shop and a shopper already verified (the widget API's signature, or the
    Shopify app proxy's): the request's JSON body {"amount": "10000"}."""
    body = request.get_json(silent=True)
    amount = parse_cashback_amount(body.get("amount") if isinstance(body, dict) else None, shop.currency)
    coupon_id = jobs.in_transaction(
        lambda session: redeem_cashback(session, shop, customer, amount, store_credit_supported(shop)).id
    )
    jobs.enqueue(jobs.push_coupon, coupon_id)  # inline without Redis: the store is asked right away
    with services().db.session() as session:
        coupon = session.execute(select(Coupon).where(Coupon.id == coupon_id)).scalar_one()
        answer = {**cashback_coupon_view(coupon), "balances": balances_of(session, shop, customer)["balances"]}
    response = _answer(answer, PRIVATE)
    response.status_code = 201
    return response


def cashback_coupon_view(coupon: Coupon) -> dict[str, Any]:
    return {
        "code": coupon.code,
        "status": coupon.status,
        "kind": coupon.kind,
        "value_type": coupon.value_type,
        "value": coupon.value,
        "expires_at": coupon.expires_at.isoformat() if coupon.expires_at else None,
    }

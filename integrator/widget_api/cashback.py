"""POST /widget/v1/<public_id>/cashback-redemptions: a signed shopper spends cashback on a
fixed-amount code. The shop, CORS and the per-client limit come from views.py's hooks on the same
blueprint; the shopper's limit is counted once the signature is good."""

from __future__ import annotations

import time

from flask import Response, g, request

from integrator import jobs
from integrator.loyalty.cashback import parse_cashback_amount, redeem_cashback
from integrator.loyalty.models import Shop
from integrator.loyalty.shapes import CASHBACK_COUPON
from integrator.platform_registry import store_credit_supported
from integrator.services import services

from . import answers, bp
from .identity import verify_shopper
from .views import _limited, _too_many


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
    return answers.issued(shop, customer, coupon_id, CASHBACK_COUPON)

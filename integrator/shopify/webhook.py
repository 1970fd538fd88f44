"""POST /webhooks/shopify: verify the HMAC with the shop's secret (a custom app's) or the app's,
then the shared tail (integrator/webhook_intake.py)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from connectors.shopify.webhooks import read_delivery, verify_webhook
from integrator.http_errors import json_error
from integrator.inbox import Incoming
from integrator.services import services
from integrator.webhook_intake import raw_body, take_in

bp = Blueprint("shopify_webhook", __name__)
PATH = "/webhooks/shopify"


@bp.post(PATH)
def shopify_webhook() -> Response:
    raw = raw_body()
    delivery = read_delivery(request.headers)
    hmac_header = request.headers.get("X-Shopify-Hmac-Sha256")
    cache = services().shop_secrets
    shop, shop_secret = cache.lookup(delivery.shop_domain) if delivery else (None, None)
    secret = shop_secret or services().config.shopify_api_secret or ""
    if not verify_webhook(raw, hmac_header, secret):
        return json_error(401, "invalid webhook signature")
    if delivery is None:
        return json_error(400, "missing X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Webhook-Id")
    # Whether an installed shop takes the delivery is decided when it is processed, from the shop
    # row as it is then: this process's cache may be up to 30 s behind an uninstall or reinstall.
    incoming = Incoming(
        platform="shopify",
        shop_key=delivery.shop_domain,
        shop_id=shop.id if shop else None,
        topic=delivery.topic,
        delivery_id=delivery.webhook_id,
        event_id=delivery.event_id,
        triggered_at=delivery.triggered_at,
        body=raw,
    )
    return take_in(incoming, lambda: cache.forget(delivery.shop_domain))

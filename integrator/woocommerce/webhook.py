"""POST /webhooks/woocommerce/<store-token>: the token names the store, its secret verifies the
signature, then the shared tail (integrator/webhook_intake.py)."""

from __future__ import annotations

import hashlib
import json
import re

from flask import Blueprint, Response, jsonify, request

from connectors.woocommerce import webhooks as woocommerce_webhooks
from integrator.http_errors import json_error
from integrator.inbox import Incoming
from integrator.services import services
from integrator.webhook_intake import raw_body, take_in

bp = Blueprint("woocommerce_webhook", __name__)

# Store tokens are secrets.token_urlsafe(24); anything else (a NUL included, which PostgreSQL cannot
# even compare) names no store.
STORE_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _woocommerce_event_id(raw: bytes, digest: str) -> str | None:
    """The event key `<id>:<date_modified_gmt>:<body digest>`: the same state of the same resource,
    whatever delivery brought it, is taken in once. The digest keeps a change that may not move
    date_modified (a refund listed on the order) from passing for a repeat. A deletion (`{"id": N}`)
    has no modification time: it is recognised by its delivery key only."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return None  # stored as it is; the worker records it as failed
    if not isinstance(body, dict) or body.get("id") is None:
        return None
    modified = body.get("date_modified_gmt") or body.get("date_modified")
    if not modified:
        return None
    key = f"{body['id']}:{modified}:{digest}"[:128]
    # Only printable text is a key (a NUL or a lone surrogate cannot even be stored): a body with
    # anything else is keyed by its delivery only.
    return key if key.isprintable() else None


@bp.post("/webhooks/woocommerce/<store_token>")
def woocommerce_webhook(store_token: str) -> Response:
    raw = raw_body()
    cache = services().store_secrets
    if not STORE_TOKEN.fullmatch(store_token):
        return json_error(404, "unknown store")
    shop, secret = cache.lookup(store_token)
    if shop is None:
        return json_error(404, "unknown store")
    if woocommerce_webhooks.is_ping(raw, request.headers):
        return jsonify({"ok": True, "ping": True})
    signature = request.headers.get("X-WC-Webhook-Signature")
    if not woocommerce_webhooks.verify_webhook(raw, signature, secret or ""):
        # WooCommerce never retries a refused delivery: a secret rotated by a reconnect must not
        # wait out the cache, so the store is read again once before refusing.
        cache.forget(store_token)
        shop, secret = cache.lookup(store_token)
        if shop is None or not woocommerce_webhooks.verify_webhook(raw, signature, secret or ""):
            return json_error(401, "invalid webhook signature")
    delivery = woocommerce_webhooks.read_delivery(request.headers)
    if delivery is None:
        return json_error(400, "missing X-WC-Webhook-Topic or X-WC-Webhook-Delivery-ID")
    digest = hashlib.sha256(raw).hexdigest()[:16]
    incoming = Incoming(
        platform="woocommerce",
        shop_key=shop.domain,
        shop_id=shop.id,
        topic=delivery.topic,
        # The delivery id is wp_hash(webhook id . time()): two orders changed by one webhook in the
        # same second share it (research/woocommerce.md §2.3), so it is keyed together with the body.
        delivery_id=f"{delivery.delivery_id[:100]}:{digest}",
        event_id=_woocommerce_event_id(raw, digest),
        triggered_at=None,
        body=raw,
    )
    return take_in(incoming, lambda: cache.forget(store_token))

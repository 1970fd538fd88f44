"""POST /webhooks/shopify and /webhooks/woocommerce/<store-token>: verify → identify the shop →
store → enqueue → 200, in milliseconds."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from connectors.shopify.webhooks import read_delivery, verify_webhook
from connectors.woocommerce import webhooks as woocommerce_webhooks
from integrator import events, jobs
from integrator.http_errors import json_error
from integrator.inbox import Incoming, store_delivery
from integrator.services import services

bp = Blueprint("webhooks", __name__)

# Store tokens are secrets.token_urlsafe(24); anything else (a NUL included, which PostgreSQL cannot
# even compare) names no store.
STORE_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


_error = json_error


def _raw_body() -> bytes:
    """The raw bytes, before anything parses them. A body over MAX_CONTENT_LENGTH with a
    Content-Length is refused by Werkzeug (413); a chunked one (no Content-Length) is only cut at
    the limit, and its signature would then fail (401): one more byte from the server's stream
    tells a cut body from one that ends exactly at the limit."""
    raw = request.get_data(cache=False)
    limit = request.max_content_length
    cut = limit is not None and len(raw) >= limit and request.content_length is None
    if cut and request.environ.get("wsgi.input_terminated") and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge(f"the body is over {limit} bytes")
    return raw


@bp.post("/webhooks/shopify")
def shopify_webhook() -> Response:
    raw = _raw_body()
    delivery = read_delivery(request.headers)
    hmac_header = request.headers.get("X-Shopify-Hmac-Sha256")
    cache = services().shop_secrets
    shop, shop_secret = cache.lookup(delivery.shop_domain) if delivery else (None, None)
    secret = shop_secret or services().config.shopify_api_secret or ""
    if not verify_webhook(raw, hmac_header, secret):
        return _error(401, "invalid webhook signature")
    if delivery is None:
        return _error(400, "missing X-Shopify-Topic, X-Shopify-Shop-Domain or X-Shopify-Webhook-Id")
    # Whether an installed shop takes the delivery is decided when it is processed, from the shop
    # row as it is then: this process's cache may be up to 30 s behind an uninstall or reinstall.
    known = shop is not None and events.handler_for("shopify", delivery.topic) is not None
    status = "received" if known else "ignored"
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
    db = services().db
    try:
        with db.single_statement() as connection:
            event_id = store_delivery(connection, incoming, status)
    except IntegrityError:
        # The cached shop was deleted meanwhile (shop/redact in another process): no shop any more.
        cache.forget(delivery.shop_domain)
        status = "ignored"
        with db.single_statement() as connection:
            event_id = store_delivery(connection, replace(incoming, shop_id=None), status)
    if event_id is not None and status == "received":
        jobs.notify(event_id)
    return jsonify({"ok": True, "duplicate": event_id is None})


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
    raw = _raw_body()
    cache = services().store_secrets
    if not STORE_TOKEN.fullmatch(store_token):
        return _error(404, "unknown store")
    shop, secret = cache.lookup(store_token)
    if shop is None:
        return _error(404, "unknown store")
    if woocommerce_webhooks.is_ping(raw, request.headers):
        return jsonify({"ok": True, "ping": True})
    signature = request.headers.get("X-WC-Webhook-Signature")
    if not woocommerce_webhooks.verify_webhook(raw, signature, secret or ""):
        # WooCommerce never retries a refused delivery: a secret rotated by a reconnect must not
        # wait out the cache, so the store is read again once before refusing.
        cache.forget(store_token)
        shop, secret = cache.lookup(store_token)
        if shop is None or not woocommerce_webhooks.verify_webhook(raw, signature, secret or ""):
            return _error(401, "invalid webhook signature")
    delivery = woocommerce_webhooks.read_delivery(request.headers)
    if delivery is None:
        return _error(400, "missing X-WC-Webhook-Topic or X-WC-Webhook-Delivery-ID")
    digest = hashlib.sha256(raw).hexdigest()[:16]
    known = events.handler_for("woocommerce", delivery.topic) is not None
    status = "received" if known else "ignored"
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
    db = services().db
    try:
        with db.single_statement() as connection:
            event_id = store_delivery(connection, incoming, status)
    except IntegrityError:
        # The cached shop was deleted meanwhile: no shop any more.
        cache.forget(store_token)
        status = "ignored"
        with db.single_statement() as connection:
            event_id = store_delivery(connection, replace(incoming, shop_id=None), status)
    if event_id is not None and status == "received":
        jobs.notify(event_id)
    return jsonify({"ok": True, "duplicate": event_id is None})

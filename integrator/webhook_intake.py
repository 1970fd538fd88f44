"""The tail every platform's webhook view shares, once it has verified a delivery and named its
shop: store it (unique per shop and delivery id) → hand it to the workers → 200, in milliseconds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Response, jsonify, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from integrator import jobs
from integrator.inbox import Incoming, store_delivery
from integrator.platform_registry import handler_for
from integrator.services import services


def raw_body() -> bytes:
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


def take_in(incoming: Incoming, forget_shop: Callable[[], None]) -> Response:
    """Store a verified delivery and notify the workers when it is one to process. A topic without a
    handler, or a delivery naming no shop, is stored as ignored (it still recognises a repeat).
    `forget_shop` drops the view's cached shop when the row turns out deleted meanwhile."""
    known = incoming.shop_id is not None and handler_for(incoming.platform, incoming.topic) is not None
    status = "received" if known else "ignored"
    db = services().db
    try:
        with db.single_statement() as connection:
            event_id = store_delivery(connection, incoming, status)
    except IntegrityError:
        # The cached shop was deleted meanwhile (shop/redact in another process): no shop any more.
        forget_shop()
        status = "ignored"
        with db.single_statement() as connection:
            event_id = store_delivery(connection, replace(incoming, shop_id=None), status)
    if event_id is not None and status == "received":
        jobs.notify(event_id)
    return jsonify({"ok": True, "duplicate": event_id is None})

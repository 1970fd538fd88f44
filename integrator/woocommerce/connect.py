"""Connecting a WooCommerce store through wc-auth: send the merchant to the store's grant screen with
a one-time nonce, then take the keys the store POSTs back (research/woocommerce.md §1)."""

from __future__ import annotations

import math
import secrets
import time
from functools import partial

from flask import Blueprint, current_app, jsonify, redirect, render_template, request
from flask_babel import get_locale
from flask_limiter import Limiter, RateLimitExceeded
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from connectors.woocommerce import auth
from integrator import queue
from integrator.http_errors import json_error
from integrator.loyalty.models import PendingConnect, utcnow
from integrator.services import services
from integrator.woocommerce import stores

bp = Blueprint("woocommerce_app", __name__)

APP_NAME = "Setia"
NONCE_MAX_AGE = stores.NONCE_MAX_AGE
# Anyone may start a connection (it stores a nonce row): a few a minute per client address is plenty
# for a merchant. app.config["WOOCOMMERCE_CONNECT_LIMIT"] overrides it (Flask-Limiter's notation).
CONNECT_LIMIT = "10 per minute"
# The "not connected" page: no script, our stylesheet only, never framed, cached or referred on.
NOT_CONNECTED_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _error(status: int, message: str) -> Response:
    return json_error(status, message, no_store=True)


def register_limits(limiter: Limiter) -> None:
    """The connect endpoint's per-address limit, counted by the app's Flask-Limiter (the same storage
    as the widget API's limits: Redis when REDIS_URL is set). GET only: the connect redirect and the
    page wc-auth sends the merchant back to (one each per connection); WooCommerce's key callback
    (POST) is not counted."""
    limiter.limit(
        lambda: str(current_app.config.get("WOOCOMMERCE_CONNECT_LIMIT", CONNECT_LIMIT)),
        key_func=lambda: request.remote_addr or "unknown",
        scope="woocommerce-connect",
        methods=["GET"],
    )(bp)


@bp.errorhandler(RateLimitExceeded)
def too_many(_: RateLimitExceeded) -> Response:
    """429 before anything is stored, with the seconds until the window ends."""
    current = services().limiter.current_limit
    seconds = max(1, math.ceil(current.reset_at - time.time())) if current is not None else 60
    response = _error(429, "too many connection attempts: wait and try again")
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.get("/auth/woocommerce/connect")
def connect() -> Response:
    """Guard the store URL, remember a fresh nonce for it, and send the merchant to wc-auth."""
    config = services().config
    try:
        stores.check_app_url_port(config.app_url)
    except stores.AppUrlUnreachable as exc:
        return _error(400, str(exc))
    try:
        store_url = auth.check_store_url(request.args.get("store_url", ""), config.allow_private_store_urls)
    except auth.StoreUrlRefused as exc:
        return _error(400, str(exc))
    nonce = secrets.token_urlsafe(24)
    with services().db.session() as session:
        session.add(PendingConnect(platform="woocommerce", nonce=nonce, store_url=store_url, created_at=utcnow()))
    url = auth.authorize_url(
        store_url,
        APP_NAME,
        nonce,
        return_url=f"{config.app_url}/auth/woocommerce/return",
        callback_url=f"{config.app_url}/auth/woocommerce/callback",
    )
    return redirect(url, code=302)


@bp.get("/auth/woocommerce/return")
def returned() -> Response | tuple[str, int, dict[str, str]]:
    """Where wc-auth sends the merchant back: `success=1` (approved: the keys came to the callback)
    goes on to the settings page; `success=0` (denied, or the login page's cancel link) drops the
    pending nonce, so nothing can connect with it, and says so in the merchant's language."""
    answers, nonce = request.args.getlist("success"), request.args.get("user_id", "")
    success = answers[0] if len(answers) == 1 else None
    if success == "1":
        return redirect(f"{services().config.app_url}/admin/settings", code=302)
    if success != "0":
        return _error(400, "expected success=0 or success=1 from WooCommerce")
    if nonce:
        with services().db.session() as session:
            session.execute(
                delete(PendingConnect).where(
                    PendingConnect.platform == "woocommerce",
                    PendingConnect.nonce == nonce,
                    PendingConnect.used_at.is_(None),
                )
            )
    page = render_template(
        "admin/woocommerce_not_connected.html", merchant=None, page_language=str(get_locale() or "en")
    )
    return page, 200, NOT_CONNECTED_HEADERS


def _use_nonce(session: Session, nonce: str) -> PendingConnect | None:
    """The pending connection the nonce names, marked used; None when unknown, used or too old."""
    pending = session.execute(
        select(PendingConnect)
        .where(PendingConnect.platform == "woocommerce", PendingConnect.nonce == nonce)
        .with_for_update()
    ).scalar_one_or_none()
    now = utcnow()
    if pending is None or pending.used_at is not None or pending.created_at < now - NONCE_MAX_AGE:
        return None
    pending.used_at = now
    return pending


def _keys(body: object) -> tuple[str, str, str] | None:
    """(nonce, consumer key, consumer secret) from the callback's JSON; `user_id` is our nonce, sent
    back as a string (research §1.2)."""
    if not isinstance(body, dict):
        return None
    values = [body.get("user_id"), body.get("consumer_key"), body.get("consumer_secret")]
    if not all(isinstance(value, str | int) and str(value).strip() for value in values):
        return None
    nonce, key, secret = (str(value).strip() for value in values)
    return nonce, key, secret


@bp.post("/auth/woocommerce/callback")
def callback() -> Response:
    """Store the keys and answer exactly 200 at once (anything else makes WooCommerce delete them);
    the store's webhooks are made by a job (the store pings us while making each one). Keys for a
    store already connected wait until a job has seen them work on that store."""
    keys = _keys(request.get_json(silent=True))
    if keys is None:
        return _error(400, "expected JSON with user_id, consumer_key and consumer_secret")
    nonce, consumer_key, consumer_secret = keys
    box = services().box
    with services().db.session() as session:
        pending = _use_nonce(session, nonce)
        if pending is None:
            return _error(400, "unknown, used or expired connection: start connecting the store again")
        shop_id = stores.receive_keys(session, box, pending, consumer_key, consumer_secret)
        pending_id = pending.id
    response = jsonify({"connected": True})  # 200, nothing else
    # Enqueued once the answer is sent: inline (no Redis) the job would otherwise hold the store's
    # request while the store pings us for every webhook. Lost here, the periodic check makes them.
    # Keys for a store already connected are only tried (and then taken) by their own job.
    if shop_id is None:
        job_id = f"woocommerce-keys-{pending_id}"
        enqueue = partial(queue.enqueue, stores.verify_pending_keys, pending_id, job_id=job_id)
    else:
        job_id = f"woocommerce-webhooks-{shop_id}-{nonce[:8]}"
        enqueue = partial(queue.enqueue, stores.ensure_webhooks, shop_id, job_id=job_id)
    response.call_on_close(enqueue)
    return response

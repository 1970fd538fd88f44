"""GET /ref/<code>: a member's referral link. 302 to the store with the friend's code applied
(Shopify `https://<shop domain>/discount/<CODE>?redirect=/`, WooCommerce `<store url>/?coupon=<CODE>`),
built from the shop's stored data alone, never cached; the click is counted (its IP address and user
agent hashed with the shop's secret) unless it is a HEAD request or a link-preview bot. Only friend
codes are looked up; an unknown code is a 404, and an address asking for too many unknown codes, or
too many links at all, is refused (429) for a while."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, request
from flask_limiter import Limiter, RateLimitExceeded

from integrator import jobs
from integrator.http_errors import json_error
from integrator.loyalty.models import Shop
from integrator.loyalty.referrals import find_link, record_click
from integrator.services import services

from .limits import too_many

bp = Blueprint("referral_links", __name__)
# Unknown codes an address may ask for per minute before every /ref/ answer is a 429 for it; and
# links in all (each click is a row: a flood from one address is refused, not stored).
UNKNOWN_PER_MINUTE = 20
LINKS_PER_MINUTE = 60
# Link previews (WhatsApp, Facebook, X, Telegram, Slack, Discord, LinkedIn...) and crawlers.
BOTS = re.compile(
    r"bot|crawl|spider|preview|facebookexternalhit|whatsapp|telegram|slack|discord|embedly|curl|wget", re.I
)
NO_CACHE = "no-store, no-cache, must-revalidate, max-age=0"

bp.register_error_handler(RateLimitExceeded, too_many)


def store_target(shop: Shop, code: str) -> str:
    """The store's own apply link for `code`, from the stored shop alone."""
    if shop.platform == "shopify":
        return f"https://{shop.domain}/discount/{quote(code)}?redirect=/"
    return f"{shop.domain.rstrip('/')}/?coupon={quote(code)}"


def register_limits(limiter: Limiter) -> None:
    limiter.limit(f"{LINKS_PER_MINUTE} per 60 second", key_func=lambda: f"ref-all:{request.remote_addr}")(bp)
    limiter.limit(
        f"{UNKNOWN_PER_MINUTE} per 60 second",
        key_func=lambda: f"ref:{request.remote_addr}",
        deduct_when=lambda response: response.status_code == 404,
    )(bp)


@bp.get("/ref/<code>")
def follow(code: str) -> Response:
    with services().db.session() as session:
        target = find_link(session, code)
        if target is not None:
            session.expunge(target.shop)
    if target is None:
        response = json_error(404, "unknown referral link")
        response.headers["Cache-Control"] = NO_CACHE
        return response
    agent = request.headers.get("User-Agent", "")
    if request.method == "GET" and not BOTS.search(agent):
        jobs.in_transaction(lambda s: record_click(s, target.code, request.remote_addr or "", agent))
    response = Response(status=302, headers={"Location": store_target(target.shop, target.code)})
    response.headers["Cache-Control"] = NO_CACHE
    response.headers["Referrer-Policy"] = "no-referrer"
    return response

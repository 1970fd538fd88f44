"""GET /u/<token>: the scan link printed as a QR code on an unboxing card (CONTRACT.md). It counts
the scan and sends the shopper to the store's link applying the card's code; a used, expired or
withdrawn code gets a page saying so in the shop's language, with the programme's link; a
WooCommerce store whose Setia plugin has not been seen gets a page showing the code (the plugin is
what applies `?coupon=`). HEAD and link-preview bots are answered the same, and not counted.
GET /u/<token>/qr.png: the same link as a PNG QR code, for emails (mail clients drop inline SVG).

The token names a card and nothing else; an unknown one is 404, and an address that keeps guessing
is refused (429) before any database work."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, abort, current_app, g, redirect, render_template, request
from flask_babel import refresh
from flask_limiter import Limiter, RateLimitExceeded
from sqlalchemy import select
from werkzeug.wrappers import Response

from integrator.loyalty.logos import logo_of
from integrator.loyalty.models import Shop
from integrator.loyalty.unboxing import Scanned, count_scan, find_scan
from integrator.loyalty.unboxing_qr import qr_png
from integrator.platform_registry import apply_path
from integrator.services import services

bp = Blueprint("unboxing_scan", __name__, template_folder="templates")

# Link previews (chat apps, social networks, search engines) fetch a link to draw its card: they are
# answered like a person, but a scan is a person holding a card.
BOTS = re.compile(
    r"facebookexternalhit|facebookcatalog|meta-externalagent|whatsapp|slackbot|slack-imgproxy|twitterbot|"
    r"telegrambot|discordbot|linkedinbot|googlebot|google-inspectiontool|bingbot|bingpreview|applebot|"
    r"skypeuripreview|embedly|pinterest|redditbot|vkshare|iframely|mastodon|yandex|baiduspider|duckduckbot|"
    r"headlesschrome/|\bbot\b|crawler|spider|preview",
    re.IGNORECASE,
)
# Unknown tokens an address may try per window before every scan link answers it 429.
MISS_LIMIT = "30 per 600 second"
DEMO_SHOP = "setia-demo.myshopify.com"  # make run's demo shop: its "store" is the app's /discount page
STORE_QUERY = {"shopify": "?redirect=/"}  # after the apply path: Shopify's /discount/<CODE>?redirect=/


def register_limits(limiter: Limiter) -> None:
    """Per address, only unknown tokens count (a card scanned again and again is fine)."""
    limiter.limit(
        lambda: str(current_app.config.get("UNBOXING_MISS_LIMIT", MISS_LIMIT)),
        key_func=lambda: request.remote_addr or "unknown",
        scope="unboxing-scan-misses",
        methods=["GET", "HEAD"],
        deduct_when=lambda response: response.status_code == 404,
    )(bp)


@bp.errorhandler(RateLimitExceeded)
def too_many(_: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
    return "Too many unknown links: wait a few minutes.\n", 429, {"Retry-After": "600", "Cache-Control": "no-store"}


def _language(shop: Shop) -> str:
    return "id" if (shop.language or "").lower().replace("_", "-").split("-")[0] == "id" else "en"


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(BOTS.search(user_agent))


def store_url(shop: Shop) -> str:
    """The storefront's home: https://<domain> for Shopify, the store URL for WooCommerce."""
    if shop.domain == DEMO_SHOP:
        return services().config.app_url
    return shop.domain.rstrip("/") if "://" in shop.domain else f"https://{shop.domain}"


def apply_link(shop: Shop, code: str) -> str:
    """The store's own link applying `code` (built from stored shop data alone)."""
    path = apply_path(shop).format(code=quote(code, safe=""))
    return store_url(shop) + path + (STORE_QUERY.get(shop.platform, "") if "?" not in path else "")


def _lookup(token: str, count: bool) -> tuple[Scanned, Shop]:
    with services().db.session() as session:
        found = find_scan(session, token)
        shop = session.get(Shop, found.shop_id) if found else None
        if found is None or shop is None or shop.uninstalled_at is not None:
            abort(404)
        if count:
            count_scan(session, found)
        session.expunge(shop)
        return found, shop


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/u/<token>", methods=["GET", "HEAD"])
def scan(token: str) -> Response:
    counted = request.method == "GET" and not is_bot(request.headers.get("User-Agent", ""))
    found, shop = _lookup(token, counted)
    g.setia_locale = _language(shop)  # the admin's locale selector reads it
    refresh()
    store = store_url(shop)
    if found.state != "open":
        page = render_template("unboxing/scan_closed.html", shop=shop, state=found.state, store=store)
        return _no_store(Response(page, 200, content_type="text/html; charset=utf-8"))
    if shop.platform == "woocommerce" and shop.widget_seen_at is None:
        page = render_template("unboxing/scan_code.html", shop=shop, code=found.code, store=store)
        return _no_store(Response(page, 200, content_type="text/html; charset=utf-8"))
    return _no_store(redirect(apply_link(shop, found.code), code=302))


@bp.route("/u/<token>/qr.png", methods=["GET", "HEAD"])
def scan_qr(token: str) -> Response:
    """The scan link as a PNG QR code (emails, Order Printer); not a scan, never counted."""
    _lookup(token, count=False)
    url = f"{services().config.app_url}/u/{token}"
    response = Response(qr_png(url), 200, content_type="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/u/logo/<public_id>/<version>")
def logo(public_id: str, version: str) -> Response:
    """The shop's card logo (printed on every card: no secret), as Pillow re-encoded it, with its
    type and nosniff; the version in the path changes with every upload."""
    with services().db.session() as session:
        shop = session.execute(select(Shop).where(Shop.public_id == public_id[:32])).scalar_one_or_none()
        found = logo_of(session, shop.id) if shop is not None else None
        if found is None or found.digest[:16] != version:
            abort(404)
        response = Response(found.data, 200, content_type=found.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

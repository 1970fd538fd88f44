"""Which origins may read the widget API from a browser: the shop's storefront, and loopback origins
in development (ALLOW_PRIVATE_STORE_URLS=1). No cookies are involved, so credentials are never allowed."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import Response

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type"
PREFLIGHT_MAX_AGE = "600"


def storefront_origins(platform: str, domain: str) -> set[str]:
    """A Shopify shop is known by its myshopify.com domain only (Setia does not store its primary
    domain; widgets on a custom domain reach Setia through the app proxy, which is same-origin).
    A store known by its URL (WooCommerce) has that URL's origin."""
    if platform == "shopify" or "://" not in domain:
        return {f"https://{domain.lower()}"}
    parts = urlsplit(domain.lower())
    return {f"{parts.scheme}://{parts.netloc}"} if parts.scheme in ("http", "https") and parts.netloc else set()


def is_loopback(origin: str) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def origin_allowed(origin: str, platform: str, domain: str, allow_loopback: bool) -> bool:
    origin = origin.strip().lower().rstrip("/")
    if origin in storefront_origins(platform, domain):
        return True
    return allow_loopback and is_loopback(origin)


def allow(response: Response, origin: str) -> Response:
    response.headers["Access-Control-Allow-Origin"] = origin
    return response


def preflight(origin: str) -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return allow(response, origin)

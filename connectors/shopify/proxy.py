"""Shopify app proxy requests: the signature Shopify adds to what it forwards from the storefront
(research/shopify.md §5), and the parameters it vouches for. Plain functions, no Flask."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

# Shopify's JS library rejects a request that repeats any of these (lib/utils/hmac-validator.ts).
# The danger is real: a shopper can add `?logged_in_customer_id=5` to the storefront URL, Shopify
# appends its own (empty) value and signs "logged_in_customer_id=5," — reading the first value
# would then trust what the shopper typed.
SINGLE_VALUED = ("shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature")
TIMESTAMP_TOLERANCE = 90  # seconds either way, as Shopify's own libraries allow


@dataclass(frozen=True)
class ProxyRequest:
    shop: str
    customer_id: str | None  # None when no one is logged in
    timestamp: int


def proxy_message(query_pairs: Iterable[tuple[str, str]]) -> str:
    """What Shopify signs: every parameter but `signature` as "key=value" (a repeated key's values
    joined with ","), sorted, concatenated without a separator."""
    values: dict[str, list[str]] = {}
    for key, value in query_pairs:
        if key != "signature":
            values.setdefault(key, []).append(value)
    return "".join(sorted(f"{key}={','.join(items)}" for key, items in values.items()))


def verify_proxy_signature(query_pairs: Iterable[tuple[str, str]], secret: str) -> bool:
    """True when `signature` is the hex HMAC-SHA256 of the message under `secret` and none of the
    parameters Shopify vouches for is repeated; constant time."""
    pairs = list(query_pairs)
    if not secret:
        return False
    for name in SINGLE_VALUED:
        if sum(1 for key, _ in pairs if key == name) > 1:
            return False
    signature = next((value for key, value in pairs if key == "signature"), "")
    if not signature:
        return False
    expected = hmac.new(secret.encode(), proxy_message(pairs).encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())


def read_proxy_request(query_pairs: Iterable[tuple[str, str]], now: int) -> ProxyRequest | None:
    """The shop, the logged-in customer and the time of a verified request; None when `shop` is
    missing or the timestamp is not within TIMESTAMP_TOLERANCE of `now` (a replayed URL)."""
    params = dict(query_pairs)
    shop = params.get("shop", "").strip().lower()
    timestamp = params.get("timestamp", "")
    if not shop or not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return None
    if abs(now - int(timestamp)) > TIMESTAMP_TOLERANCE:
        return None
    customer = params.get("logged_in_customer_id", "").strip()
    return ProxyRequest(shop=shop, customer_id=customer or None, timestamp=int(timestamp))

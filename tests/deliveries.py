"""Real Shopify payloads from tests/fixtures (copied from ../shared/fixtures) and how Shopify signs them."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "shopify"
APP_SECRET = "test-app-secret"
SHOP_DOMAIN = "setia-test.myshopify.com"
OTHER_DOMAIN = "other-shop.myshopify.com"


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    """X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256 over the raw body (research/shopify.md §1.3)."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))


def fake30() -> dict[str, Any]:
    """Order 1073459981: paid, FAKE30 discount, subtotal after discount 181.09 USD, customer 1073339475."""
    return fixture("orders_paid__paid_discount_code_FAKE30")


def with_changes(order: dict[str, Any], **changes: Any) -> dict[str, Any]:
    updated = copy.deepcopy(order)
    updated.update(changes)
    return updated


def money_set(amount: str, currency: str = "USD") -> dict[str, Any]:
    return {
        "shop_money": {"amount": amount, "currency_code": currency},
        "presentment_money": {"amount": amount, "currency_code": currency},
    }

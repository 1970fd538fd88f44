"""Real WooCommerce payloads from tests/fixtures/woocommerce (copied from ../shared/fixtures) and
how WooCommerce signs and delivers them (research/woocommerce.md §2.3–2.5)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "woocommerce"
STORE_DOMAIN = "store.example.com"
STORE_TOKEN = "wc-token-0123456789abcdef"
STORE_SECRET = "wc-webhook-secret"


def sign(body: bytes, secret: str = STORE_SECRET) -> str:
    """X-WC-Webhook-Signature: base64 of HMAC-SHA256 over the exact body sent."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text()))


def encode(payload: Any) -> bytes:
    """Like wp_json_encode() with default flags: `/` escaped, non-ASCII as \\uXXXX."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


def headers(topic: str, body: bytes, delivery_id: str, secret: str = STORE_SECRET) -> dict[str, str]:
    resource, _, event = topic.partition(".")
    return {
        "User-Agent": "WooCommerce/10.2.1 Hookshot (WordPress/6.8.3)",
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": f"https://{STORE_DOMAIN}/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": sign(body, secret),
        "X-WC-Webhook-ID": "16",
        "X-WC-Webhook-Delivery-ID": delivery_id,
    }


PUBLIC_STORE = "https://93.184.215.14"  # a public address literal: the SSRF guard needs no DNS
STORE_API = f"{PUBLIC_STORE}/wp-json/wc/v3"


def connected_store(app: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """A store connected with REST keys and its webhook token and secret, USD."""
    from integrator.loyalty.shops import connect_shop, issue_api_key

    db, box = app.extensions["setia_db"], app.extensions["setia_box"]
    with db.session() as session:
        shop, _ = connect_shop(session, box, "woocommerce", PUBLIC_STORE, None, None, "api_keys")
        shop.consumer_key_enc, shop.consumer_secret_enc = box.encrypt("ck_test"), box.encrypt("cs_test")
        shop.webhook_token, shop.webhook_secret_enc = STORE_TOKEN, box.encrypt(STORE_SECRET)
        shop.currency = "USD"
        shop.settings = settings
        return {"id": shop.id, "api_key": issue_api_key(session, shop)}


def deliver_to(client: Any, topic: str, payload: dict[str, Any], delivery_id: str) -> None:
    """Deliver as WooCommerce does to the store's URL, then let the workers run."""
    from tests.conftest import drain

    body = encode(payload)
    response = client.post(
        f"/webhooks/woocommerce/{STORE_TOKEN}", data=body, headers=headers(topic, body, delivery_id, STORE_SECRET)
    )
    assert response.status_code == 200
    drain()

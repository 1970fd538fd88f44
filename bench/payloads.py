"""Distinct, correctly signed Shopify orders/paid deliveries, cheap enough to build inside the load
generator: a real fixture order (compact JSON, as Shopify sends it) rendered with a fresh order id,
customer and subtotal, then signed like Shopify (base64 HMAC-SHA256 of the raw body)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "shopify" / "orders_paid__paid_discount_code_FAKE30.json"

SHOP_DOMAIN = "setia-bench.myshopify.com"
WEBHOOK_SECRET = "bench-webhook-secret"  # noqa: S105 (the bench shop's own test secret)
ORDER_ID_BASE = 5_000_000_000
CUSTOMER_ID_BASE = 8_000_000_000
POINTS_PER_UNIT = 1  # the bench shop's settings: 1 point per 1.00, 2 % cashback, available at once
CASHBACK_PERCENT = 2

_OID, _CID, _NAME, _EMAIL, _AMOUNT = "@@OID@@", "@@CID@@", "@@NAME@@", "@@EMAIL@@", "@@AMOUNT@@"


def _template() -> str:
    order = json.loads(FIXTURE.read_text())
    money = {"amount": _AMOUNT, "currency_code": "USD"}
    order.update(
        id=_OID,
        name=f"#{_NAME}",
        order_number=_NAME,
        email=_EMAIL,
        contact_email=_EMAIL,
        currency="USD",
        financial_status="paid",
        cancelled_at=None,
        test=False,
        taxes_included=False,
        refunds=[],
        current_subtotal_price=_AMOUNT,
        current_subtotal_price_set={"shop_money": money, "presentment_money": money},
    )
    order["customer"].update(id=_CID, email=_EMAIL)
    text = json.dumps(order, separators=(",", ":"))
    # ids are JSON numbers: drop the quotes around their placeholders
    return text.replace(f'"{_OID}"', _OID).replace(f'"{_CID}"', _CID).replace(f'"{_NAME}"', _NAME)


@dataclass(frozen=True)
class Order:
    """Order number `n` of a run: what is delivered and what it must earn."""

    n: int
    customers: int

    @property
    def order_id(self) -> int:
        return ORDER_ID_BASE + self.n

    @property
    def customer_id(self) -> int:
        return CUSTOMER_ID_BASE + self.n % self.customers

    @property
    def cents(self) -> int:
        return 1000 + (self.n * 7919) % 49_000  # 10.00 .. 499.99 USD

    @property
    def points(self) -> int:
        return self.cents * POINTS_PER_UNIT // 100  # floor(basis × points_per_unit)

    def points_times(self, multiplier: int) -> int:
        return self.cents * POINTS_PER_UNIT * multiplier // 100  # floor(basis × points_per_unit × m)

    @property
    def cashback(self) -> int:
        return self.cents * CASHBACK_PERCENT // 100  # basis × 2 / 100 in cents, rounded down


class Deliveries:
    """Builds the HTTP request bytes of delivery `n` (one orders/paid webhook per order)."""

    def __init__(self, host: str, path: str = "/webhooks/shopify", customers: int = 1000, tag: str = "b") -> None:
        self.customers = customers
        self.tag = tag
        self.secret = WEBHOOK_SECRET.encode()
        self.head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        self.template = _template()

    def body(self, n: int) -> bytes:
        order = Order(n, self.customers)
        cents = order.cents
        return (
            self.template.replace(_OID, str(order.order_id))
            .replace(_CID, str(order.customer_id))
            .replace(_NAME, str(order.order_id))
            .replace(_EMAIL, f"c{order.customer_id}@example.com")
            .replace(_AMOUNT, f"{cents // 100}.{cents % 100:02d}")
            .encode()
        )

    def request(self, n: int) -> bytes:
        body = self.body(n)
        signature = base64.b64encode(hmac.new(self.secret, body, hashlib.sha256).digest()).decode()
        return (
            f"{self.head}Content-Length: {len(body)}\r\n"
            "X-Shopify-Topic: orders/paid\r\n"
            f"X-Shopify-Shop-Domain: {SHOP_DOMAIN}\r\n"
            f"X-Shopify-Webhook-Id: {self.tag}-{n}\r\n"
            f"X-Shopify-Event-Id: {self.tag}-e-{n}\r\n"
            f"X-Shopify-Hmac-Sha256: {signature}\r\n"
            "X-Shopify-API-Version: 2026-07\r\n"
            "X-Shopify-Triggered-At: 2026-11-27T12:01:00.000000Z\r\n"
            "Connection: close\r\n\r\n"
        ).encode() + body

"""`make run`'s demo store: it stands in for the platform of the demo shop (a Shopify-shaped shop
installed as `demo`, which `flask --app wsgi demo seed` makes), so that the codes Setia makes for it
become active and apply in the demo cart, as they would on a real store.

The demo store keeps no books of its own: the codes it holds are the demo shop's coupons Setia made
on it (active, with the id `create_coupon` gave), and its orders are the ones delivered to Setia.
Only a shop installed as `demo` reaches it (platform_registry.register_stand_in): a real shop, whatever
its domain, always reaches its platform."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.base import (
    CouponSpec,
    CreditRejected,
    FriendCodeSpec,
    Order,
    PlatformError,
    ShopInfo,
    UnboxingCardLink,
    WebhookRegistration,
)
from integrator.loyalty.models import Coupon, Shop
from integrator.loyalty.models import Order as OrderRow

INSTALL_KIND = "demo"
DOMAIN = "setia-demo.myshopify.com"
PLATFORM_ID_PREFIX = "demo-store/discount/"
CURRENCY = "IDR"
SARI = (7001, "sari@example.com", "Sari", "Wulandari")  # the demo storefront's signed-in shopper


class DemoStore:
    """The demo shop's platform calls, answered here (no network)."""

    supports_store_credit: ClassVar[bool] = False
    apply_path: ClassVar[str] = "/discount/{code}"  # the demo storefront's page, as on Shopify

    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    def fetch_shop(self) -> ShopInfo:
        return ShopInfo(name=self.shop.name, currency=self.shop.currency, language=self.shop.language)

    def register_webhooks(self, callback_url: str, topics: list[str]) -> list[WebhookRegistration]:
        return []  # the demo store hands its orders to Setia's inbox itself (demo seed, the demo cart)

    def create_coupon(self, spec: CouponSpec) -> str:
        """The code now exists on the demo store; its id names it (the cart finds it by code)."""
        if not spec.code or spec.value_type not in ("percentage", "fixed_amount", "free_shipping"):
            raise PlatformError(f"the demo store cannot make {spec.value_type!r} code {spec.code!r}", retryable=False)
        return PLATFORM_ID_PREFIX + spec.code

    def credit_store_credit(self, customer_id: str, amount: Decimal, currency: str) -> str:
        raise CreditRejected("the demo store keeps no store credit")

    def create_friend_code(self, spec: FriendCodeSpec) -> str:
        """An advocate's friend code now exists on the demo store (one discount holds them all, as on
        Shopify): the cart does not apply friend codes, the referral link still leads to it."""
        if not spec.code:
            raise PlatformError("the demo store cannot make an empty friend code", retryable=False)
        return spec.holder_id or PLATFORM_ID_PREFIX + "friends"

    def attach_coupon_to_order(self, order_id: str, code: str, card: UnboxingCardLink | None = None) -> None:
        return None  # the demo's thank-you element shows the unboxing code through the widget

    def order_snapshot(self, payload: Any) -> Order:
        raise PlatformError("the demo store is not asked for orders", retryable=False)

    def orders_updated_since(self, since: datetime) -> Iterator[Order]:
        return iter(())  # nothing is ever missed: every demo order is delivered to the inbox directly


def stand_in(shop: Shop) -> DemoStore:
    return DemoStore(shop)


@dataclass(frozen=True)
class Applied:
    """What the demo cart makes of a code: `applied` with the discount, or why not."""

    verdict: str  # applied | unknown | used | expired | not_yet | below_minimum
    coupon: Coupon | None = None
    discount: Decimal = Decimal(0)
    shipping_free: bool = False


def apply_code(session: Session, shop: Shop, code: str, subtotal: Decimal, now: datetime) -> Applied:
    """The demo store's rule for a code in a cart of `subtotal`: it must be one the store holds
    (made on it: active), not used by an earlier order, within its dates and its minimum order."""
    coupon = session.execute(
        select(Coupon).where(
            Coupon.shop_id == shop.id,
            func.upper(Coupon.code) == code.strip().upper(),
            Coupon.status == "active",
            Coupon.platform_id.like(PLATFORM_ID_PREFIX + "%"),
        )
    ).scalar_one_or_none()
    if coupon is None:
        return Applied("unknown")
    if coupon.code.upper() in used_codes(session, shop):
        return Applied("used", coupon)
    if coupon.expires_at is not None and _aware(coupon.expires_at) <= now:
        return Applied("expired", coupon)
    if _aware(coupon.starts_at) > now:
        return Applied("not_yet", coupon)
    if coupon.min_order is not None and subtotal < Decimal(coupon.min_order):
        return Applied("below_minimum", coupon)
    if coupon.value_type == "free_shipping":
        return Applied("applied", coupon, shipping_free=True)
    value = Decimal(coupon.value)
    off = subtotal * value / 100 if coupon.value_type == "percentage" else value
    return Applied("applied", coupon, discount=min(off, subtotal).quantize(Decimal(1)))


def used_codes(session: Session, shop: Shop) -> set[str]:
    """The codes the demo shop's orders used (single-use codes: once is all)."""
    rows = session.execute(
        select(OrderRow.discount_codes).where(OrderRow.shop_id == shop.id, OrderRow.discount_codes.is_not(None))
    ).scalars()
    return {code.upper() for codes in rows for code in (codes or [])}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def order_payload(
    order_id: int,
    shopper: tuple[int, str, str, str] | None,
    subtotal: str,
    financial: str,
    updated: datetime,
    discount_codes: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A demo order as the store delivers it (Shopify's order webhook body)."""
    customer_id, email, first, last = shopper or (0, f"guest{order_id}@example.com", "", "")
    money = {
        "shop_money": {"amount": subtotal, "currency_code": CURRENCY},
        "presentment_money": {"amount": subtotal, "currency_code": CURRENCY},
    }
    return {
        "id": order_id,
        "name": f"#{order_id}",
        "email": email,
        "currency": CURRENCY,
        "test": False,
        "financial_status": financial,
        "cancelled_at": None,
        "taxes_included": False,
        "current_subtotal_price": subtotal,
        "current_subtotal_price_set": money,
        "processed_at": updated.isoformat(),
        "updated_at": updated.isoformat(),
        "refunds": [],
        "discount_codes": [{"code": code} for code in discount_codes],
        "customer": {"id": customer_id, "email": email, "first_name": first, "last_name": last} if shopper else None,
    }

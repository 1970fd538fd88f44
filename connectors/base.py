"""Platform-neutral shapes every connector maps to, and the protocol the integrator calls through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol


class PayloadError(ValueError):
    """A verified delivery whose body cannot be understood; recorded as failed, never retried."""


# The one grammar of amounts as text (integrator/loyalty/money.py DECIMAL_TEXT is the same): ASCII
# digits, an optional sign, point and exponent.
AMOUNT_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?", re.ASCII)


def to_amount(value: Any, field: str) -> Decimal:
    """A platform amount ("181.09", or a JSON number in some payloads) as an exact Decimal; empty is
    zero; anything else is a PayloadError naming the field."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PayloadError(f"{field}: not an amount: {value!r}")
    if isinstance(value, str) and not AMOUNT_TEXT.fullmatch(value):
        # Decimal() would read "٣" (Arabic-Indic three), "1_000" and spaces: no platform writes them.
        raise PayloadError(f"{field}: not an amount: {value[:40]!r}")
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else str(value))
    except InvalidOperation as exc:
        raise PayloadError(f"{field}: not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise PayloadError(f"{field}: not an amount: {value!r}")
    return amount


def to_time(value: Any, field: str, naive_is_utc: bool = False) -> datetime | None:
    """A platform timestamp; empty is None. A timestamp without a zone is UTC when the platform
    says so (WooCommerce's `*_gmt` fields), otherwise a PayloadError."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise PayloadError(f"{field}: not a timestamp: {value!r}") from exc
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise PayloadError(f"{field}: timestamp without a time zone: {value!r}")
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC) if naive_is_utc else parsed


class PlatformError(RuntimeError):
    """The platform refused or failed a call; `retryable` says whether trying later may help."""

    def __init__(self, message: str, retryable: bool = True, status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class Customer:
    platform_customer_id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True)
class Order:
    """One order as it stands now. `status` is "paid" (money received), "unpaid", or "void"
    (cancelled, refunded or voided)."""

    platform_order_id: str
    currency: str
    basis: Decimal  # subtotal after discounts, without shipping and taxes, shop currency
    status: str
    test: bool = False
    name: str | None = None
    customer: Customer | None = None
    updated_at: datetime | None = None
    paid_at: datetime | None = None
    # Refunds this snapshot's basis already reflects.
    refund_ids: tuple[str, ...] = field(default_factory=tuple)
    # The discount codes the order used, as written on the order; None when the payload does not
    # say (then what is stored already stays).
    discount_codes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Refund:
    platform_refund_id: str
    platform_order_id: str
    basis: Decimal  # how much of the earning basis this refund gives back
    created_at: datetime | None = None


@dataclass(frozen=True)
class PrivacyRequest:
    """A compliance request from the platform: export or erase a shopper's data, or the whole shop's."""

    shop_domain: str | None
    customer: Customer | None = None
    order_ids: tuple[str, ...] = ()
    request_id: str | None = None


@dataclass(frozen=True)
class CouponSpec:
    """A single-use discount code to create on the store, limited to one customer."""

    code: str
    title: str
    value_type: str  # percentage | fixed_amount | free_shipping
    value: Decimal  # percent (10 = 10 %), or an amount in the shop currency
    starts_at: datetime
    ends_at: datetime | None
    customer_id: str  # the platform's customer id
    usage_limit: int = 1
    once_per_customer: bool = True
    # The shopper's (billing) email: WooCommerce limits a coupon by email, not by customer id.
    customer_email: str | None = None
    min_subtotal: Decimal | None = None  # the order subtotal the code needs, shop currency; None = any


class CouponRejected(PlatformError):
    """The platform refused the coupon for a reason that trying again will not change."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class CreditRejected(PlatformError):
    """The platform refused a store credit for a reason that trying again will not change."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


@dataclass(frozen=True)
class ShopInfo:
    name: str
    currency: str
    language: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class WebhookRegistration:
    topic: str
    callback_url: str


class Connector(Protocol):
    """What the integrator asks of a platform, whatever the platform."""

    def fetch_shop(self) -> ShopInfo: ...

    def register_webhooks(self, callback_url: str, topics: list[str]) -> list[WebhookRegistration]: ...

    def create_coupon(self, spec: CouponSpec) -> str: ...

    def credit_store_credit(self, customer_id: str, amount: Decimal, currency: str) -> str: ...

    def orders_updated_since(self, since: datetime) -> Iterator[Order]: ...

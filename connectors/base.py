"""Platform-neutral shapes every connector maps to, and the protocol the integrator calls through."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from connectors.card_link import UnboxingCardLink  # noqa: F401  (re-exported: the Connector protocol names it)
from connectors.payload_values import (
    AMOUNT_LIMIT as AMOUNT_LIMIT,
)
from connectors.payload_values import (
    DECIMAL_TEXT as DECIMAL_TEXT,
)
from connectors.payload_values import (
    MAX_FRACTION_DIGITS as MAX_FRACTION_DIGITS,
)
from connectors.payload_values import (
    MAX_PRODUCT_IDS as MAX_PRODUCT_IDS,
)
from connectors.payload_values import (
    MAX_WHOLE_DIGITS as MAX_WHOLE_DIGITS,
)
from connectors.payload_values import (
    Headers as Headers,
)
from connectors.payload_values import (  # re-exported: the connectors and the app import them from here
    PayloadError as PayloadError,
)
from connectors.payload_values import (
    bounded as bounded,
)
from connectors.payload_values import (
    header as header,
)
from connectors.payload_values import (
    line_product_ids as line_product_ids,
)
from connectors.payload_values import (
    strict_decimal as strict_decimal,
)
from connectors.payload_values import (
    to_amount as to_amount,
)
from connectors.payload_values import (
    to_key as to_key,
)
from connectors.payload_values import (
    to_text as to_text,
)
from connectors.payload_values import (
    to_time as to_time,
)


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
    # A customer account (CONTRACT.md "Earning semantics"): Shopify's `state` "enabled", a
    # WooCommerce user with the `customer` role. Guest-checkout records and customers inside an
    # order payload are not (the sign-up bonus is only for accounts).
    account: bool = False
    # Subscribed to the shop's email marketing (Shopify's email_marketing_consent); False when the
    # platform does not say.
    marketing_subscribed: bool = False


@dataclass(frozen=True)
class Buyer:
    """The person behind an order, as far as the payload says (email, phone, billing or customer name,
    shipping address lines, IP). Shopify sends names, phones, addresses with protected data level 2."""

    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    shipping_address: tuple[str, ...] = ()  # street lines, city, postcode, country code
    ip: str | None = None


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
    # When the order was fulfilled in full (Shopify `fulfillment_status: fulfilled`, WooCommerce
    # `completed`); None while it is not.
    fulfilled_at: datetime | None = None
    # Who placed it, as the referral fraud checks compare people (a guest too); None when the
    # payload does not say.
    buyer: Buyer | None = None
    # The line items' product ids (campaigns limited to products); None when the payload does not say.
    product_ids: tuple[str, ...] | None = None


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


@dataclass(frozen=True)
class FriendCodeSpec:
    """An advocate's friend code: a discount of `percent` usable by any shopper, once per customer,
    with no end date. `holder_id` is the platform discount that already holds the shop's friend
    codes (Shopify keeps every advocate's code in one discount), None for the first."""

    code: str
    title: str
    percent: Decimal
    starts_at: datetime
    holder_id: str | None = None


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
    timezone: str | None = None  # IANA name ("Asia/Jakarta"): the shop's days (birthdays, periods)


@dataclass(frozen=True)
class WebhookRegistration:
    topic: str
    callback_url: str


class Connector(Protocol):
    """What the integrator asks of a platform, whatever the platform. What differs by platform is
    declared by each connector (mypy checks both against this where the app registers them)."""

    # Whether the platform keeps store credit that cashback can move to (else credit_store_credit
    # refuses every call with CreditRejected).
    supports_store_credit: ClassVar[bool]
    # The storefront path that applies a discount code, "{code}" standing for the code.
    apply_path: ClassVar[str]

    def fetch_shop(self) -> ShopInfo: ...

    def register_webhooks(self, callback_url: str, topics: list[str]) -> list[WebhookRegistration]: ...

    def create_coupon(self, spec: CouponSpec) -> str: ...

    def credit_store_credit(self, customer_id: str, amount: Decimal, currency: str) -> str: ...

    def create_friend_code(self, spec: FriendCodeSpec) -> str:
        """Make an advocate's friend code on the store; returns the platform id of the discount
        that holds it (pass it back as `holder_id` for the next code where the platform keeps them
        together)."""
        ...

    def attach_coupon_to_order(self, order_id: str, code: str, card: UnboxingCardLink | None = None) -> None:
        """Show an unboxing code and its card's scan link on the order, where the platform can."""

    def order_snapshot(self, payload: Any) -> Order:
        """An order delivery as a snapshot, with what the platform must be asked besides."""
        ...

    def orders_updated_since(self, since: datetime) -> Iterator[Order]: ...

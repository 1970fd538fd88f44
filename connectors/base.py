"""Platform-neutral shapes every connector maps to, and the protocol the integrator calls through."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from connectors.card_link import UnboxingCardLink  # noqa: F401  (re-exported: the Connector protocol names it)


class PayloadError(ValueError):
    """A verified delivery whose body cannot be understood; recorded as failed, never retried."""


# Amounts are stored as integer minor units in 64-bit columns (at most 9.2e18): 15 digits before
# the point leave room for a currency's 3 minor digits and for sums of a few of them. More digits
# after the point than 12 say nothing a shop could charge.
MAX_WHOLE_DIGITS = 15
MAX_FRACTION_DIGITS = 12
AMOUNT_LIMIT = Decimal(10) ** MAX_WHOLE_DIGITS
DECIMAL_TEXT = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")


def strict_decimal(text: str) -> Decimal:
    """A plain decimal number written as people and platforms write amounts: ASCII digits, an
    optional leading minus and decimal point, at most MAX_WHOLE_DIGITS digits before the point
    and MAX_FRACTION_DIGITS after. Python's Decimal() also takes "1e30", "1_000", "٣", "NaN" and
    "Infinity"; this refuses them (ValueError saying why)."""
    match = DECIMAL_TEXT.fullmatch(text)
    if match is None:
        raise ValueError(f"not a plain decimal number: {text[:40]!r}")
    whole, fraction = match.group(1), match.group(2) or ""
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
        raise ValueError(
            f"more digits than an amount can hold ({MAX_WHOLE_DIGITS} before the point, "
            f"{MAX_FRACTION_DIGITS} after): {text[:40]!r}"
        )
    return Decimal(text)


def to_amount(value: Any, field: str) -> Decimal:
    """A platform amount ("181.09", or a JSON number in some payloads) as an exact Decimal; empty is
    zero; anything else (exponents, NaN, non-ASCII digits, more digits than the columns hold) is a
    PayloadError naming the field."""
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PayloadError(f"{field}: not an amount: {str(value)[:40]!r}")
    try:
        return strict_decimal(repr(value) if isinstance(value, float) else str(value))
    except ValueError as exc:
        raise PayloadError(f"{field}: {exc}") from exc


def bounded(amount: Decimal, field: str) -> Decimal:
    """A computed amount (a sum of amounts) that still fits the columns, else a PayloadError."""
    if abs(amount) >= AMOUNT_LIMIT:
        raise PayloadError(f"{field}: more than an amount can hold ({MAX_WHOLE_DIGITS} digits): {amount:.0f}")
    return amount


def _unstorable(text: str) -> bool:
    """Control characters (NUL: PostgreSQL text cannot hold it) and lone surrogates (not UTF-8)."""
    return any(unicodedata.category(char) in ("Cc", "Cs") for char in text)


def to_key(value: Any, field: str, max_length: int = 64) -> str:
    """An identifier (an id, an email) as text, exactly as sent or a PayloadError: cutting or
    cleaning it would make it name something else. Integers and non-blank strings only."""
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value).strip() == "":
        raise PayloadError(f"{field} is missing")
    text = value if isinstance(value, str) else str(value)
    if len(text) > max_length:
        raise PayloadError(f"{field}: longer than {max_length} characters: {text[:40]!r}...")
    if _unstorable(text):
        raise PayloadError(f"{field}: holds control characters: {text[:40]!r}")
    return text


def to_text(value: Any, max_length: int) -> str | None:
    """Display text (a name, an order name): None unless a non-blank string; control characters
    and lone surrogates removed and the rest cut to max_length, which loses nothing that matters."""
    if not isinstance(value, str):
        return None
    if _unstorable(value):
        value = "".join(char for char in value if unicodedata.category(char) not in ("Cc", "Cs"))
    return value[:max_length] if value.strip() else None


class Headers(Protocol):
    def get(self, key: str) -> str | None: ...


def header(headers: Headers, name: str) -> str:
    """A delivery header's value stripped, printable characters only: a NUL, which a server may
    pass on, cannot be stored in PostgreSQL, and these values are only keys and names."""
    value = headers.get(name) or ""
    return "".join(char for char in value if char.isprintable()).strip()


def to_time(value: Any, field: str, naive_is_utc: bool = False) -> datetime | None:
    """A platform timestamp; empty is None. A timestamp without a zone is UTC when the platform
    says so (WooCommerce's `*_gmt` fields), otherwise a PayloadError. One the UTC calendar cannot
    hold (9999-12-31T23:00:00-05:00) is a PayloadError too."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise PayloadError(f"{field}: not a timestamp: {str(value)[:40]!r}") from exc
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise PayloadError(f"{field}: timestamp without a time zone: {value!r}")
        return parsed.replace(tzinfo=UTC)
    try:
        in_utc = parsed.astimezone(UTC)
    except OverflowError as exc:
        raise PayloadError(f"{field}: out of range: {value!r}") from exc
    return in_utc if naive_is_utc else parsed


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

"""The WooCommerce REST API (wc/v3) through the PyPI `woocommerce` package: shop facts, the store's
webhooks, modified orders and reward coupons. The package never raises on HTTP errors (research §6):
every answer is checked here, redirects are never followed (a public store must not send us inside)."""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

import requests

from connectors.base import (
    CouponRejected,
    CouponSpec,
    CreditRejected,
    FriendCodeSpec,
    Order,
    PayloadError,
    PlatformError,
    ShopInfo,
    UnboxingCardLink,
    WebhookRegistration,
)

from .auth import StoreUrlRefused, check_redirect, pin_store_url
from .coupons import coupon_body, friend_code_body
from .mapping import refund_ids, resource_id, to_order
from .transport import StoreAPI, pinned_session

log = logging.getLogger(__name__)

TIMEOUT = 10
PER_PAGE = 100  # the REST API's maximum (research §8)
# Bounds on one listing, so that a store answering full pages forever (or slowly) fails its own
# job within seconds instead of holding a worker and its memory (docs/woocommerce.md "Limits"):
# at most this many pages (PER_PAGE items each, never more) and seconds, counted from its first page.
MAX_PAGES = 100  # orders modified since the last reconciliation run: 10,000
LISTING_SECONDS = 120.0
REFUND_PAGES = 5  # one order's refunds, read while its delivery is processed: 500
REFUND_SECONDS = 20.0
USER_AGENT = "Setia/1.0 (+WooCommerce loyalty)"
DUPLICATE_COUPON = "woocommerce_rest_coupon_code_already_exists"


def _gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


class WooCommerceClient:
    supports_store_credit: ClassVar[bool] = False  # WooCommerce has no store credit of its own
    apply_path: ClassVar[str] = "/?coupon={code}"

    def __init__(
        self,
        store_url: str,
        consumer_key: str,
        consumer_secret: str,
        allow_private: bool = False,
        webhook_secret: str | None = None,
    ) -> None:
        try:
            self.store_url, pins = pin_store_url(store_url, allow_private)
        except StoreUrlRefused as exc:
            raise PlatformError(f"store URL refused: {exc}", retryable=False) from exc
        self.allow_private = allow_private
        self.webhook_secret = webhook_secret
        # Every call connects to the address just checked (DNS rebinding), through this session.
        self._api = StoreAPI(
            pinned_session(pins) if pins else requests.Session(),
            url=self.store_url,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            version="wc/v3",
            timeout=TIMEOUT,
            verify_ssl=True,
            user_agent=USER_AGENT,
        )

    def call(self, method: str, endpoint: str, data: Any = None, params: dict[str, Any] | None = None) -> Any:
        """The JSON answer of one call; PlatformError (retryable for 429, 5xx and network trouble)."""
        try:
            response = self._send(method, endpoint, data, params)
        except requests.RequestException as exc:
            raise PlatformError(f"{self.store_url} unreachable: {exc}") from exc
        self._refuse_redirect(response)
        if response.status_code == 429 or response.status_code >= 500:
            raise PlatformError(f"{self.store_url} answered {response.status_code}", True, response.status_code)
        if response.status_code >= 400:
            raise PlatformError(
                f"{self.store_url} refused {method} {endpoint} ({response.status_code}): {_error_code(response)}",
                False,
                response.status_code,
            )
        try:
            return response.json()
        except ValueError as exc:
            raise PlatformError(f"{self.store_url} answered {endpoint} with something not JSON", False) from exc

    def _send(self, method: str, endpoint: str, data: Any, params: dict[str, Any] | None) -> requests.Response:
        kwargs: dict[str, Any] = {"params": dict(params or {}), "allow_redirects": False}
        if method in ("POST", "PUT"):
            response: requests.Response = getattr(self._api, method.lower())(endpoint, data, **kwargs)
        else:
            response = getattr(self._api, method.lower())(endpoint, **kwargs)
        return response

    def _refuse_redirect(self, response: requests.Response) -> None:
        try:
            target = check_redirect(response, self.allow_private)
        except StoreUrlRefused as exc:
            raise PlatformError(f"{self.store_url} redirected to a refused address: {exc}", False) from exc
        if target is not None:
            raise PlatformError(
                f"{self.store_url} redirects to {target}; connect the store with its final URL",
                False,
                response.status_code,
            )

    def _pages(
        self, endpoint: str, params: dict[str, Any], max_pages: int | None = None, seconds: float | None = None
    ) -> Iterator[dict[str, Any]]:
        """The listing's items page by page, within the bounds (MAX_PAGES and LISTING_SECONDS unless
        given); PlatformError (not retryable) when the store breaks them, pads a page past PER_PAGE
        or answers a page with the one before it."""
        max_pages, seconds = max_pages or MAX_PAGES, seconds or LISTING_SECONDS
        deadline, previous = time.monotonic() + seconds, None
        for page in range(1, max_pages + 1):
            if page > 1 and time.monotonic() > deadline:
                raise PlatformError(f"{self.store_url} took over {seconds:g} s to list {endpoint}: stopped", False)
            items = self.call("GET", endpoint, params={**params, "per_page": PER_PAGE, "page": page})
            if not isinstance(items, list):
                raise PlatformError(f"{self.store_url} answered {endpoint} without a list", False)
            if len(items) > PER_PAGE:
                raise PlatformError(f"{self.store_url} answered {len(items)} {endpoint} for {PER_PAGE} a page", False)
            ids = [item.get("id") if isinstance(item, dict) else item for item in items]
            if ids == previous:  # a full page again: a cache or a store that ignores `page`
                raise PlatformError(f"{self.store_url} answered page {page} of {endpoint} with page {page - 1}", False)
            yield from items
            if len(items) < PER_PAGE:
                return
            previous = ids
        raise PlatformError(f"{self.store_url} has over {max_pages} pages of {endpoint}: stopped", False)

    def fetch_shop(self) -> ShopInfo:
        """The store's currency (the woocommerce_currency setting); its name is its host."""
        setting = self.call("GET", "settings/general/woocommerce_currency")
        currency = str(setting.get("value") or "USD").upper() if isinstance(setting, dict) else "USD"
        return ShopInfo(name=urllib.parse.urlsplit(self.store_url).hostname or self.store_url, currency=currency)

    def list_webhooks(self) -> list[dict[str, Any]]:
        return list(self._pages("webhooks", {"status": "all"}))

    def create_webhook(self, topic: str, delivery_url: str, secret: str, name: str) -> dict[str, Any]:
        body = {"name": name, "topic": topic, "delivery_url": delivery_url, "secret": secret}
        return dict(self.call("POST", "webhooks", body))

    def delete_webhook(self, webhook_id: int) -> None:
        """Delete for good (webhooks have no trash: without force=true WooCommerce answers 501); one
        already gone counts as deleted."""
        try:
            self.call("DELETE", f"webhooks/{webhook_id}", params={"force": "true"})
        except PlatformError as exc:
            if exc.status != 404:
                raise

    def register_webhooks(self, callback_url: str, topics: list[str]) -> list[WebhookRegistration]:
        """Make each topic deliver to `callback_url`: create the missing ones, and replace the ones
        WooCommerce disabled after failed deliveries (§2.7) with new ones. Re-enabling would keep the
        failure count, and WC_Webhook::failed_delivery() disables a webhook whose count is already
        over 5 at its next failure; a new webhook starts from 0. The new one is made before the old
        one goes, so a failure in between leaves at worst a disabled webhook, never none. A webhook
        the merchant paused stays paused. Each signs with `webhook_secret`. Returns what was created
        or replaced."""
        secret = self.webhook_secret
        if not secret:
            raise PlatformError("no webhook secret for this store", retryable=False)
        existing = [hook for hook in self.list_webhooks() if hook.get("delivery_url") == callback_url]
        changed = []
        for topic in topics:
            ours = [hook for hook in existing if hook.get("topic") == topic]
            if ours and not all(hook.get("status") == "disabled" for hook in ours):
                continue
            self.create_webhook(topic, callback_url, secret, f"Setia {topic}")
            for disabled in ours:
                self.delete_webhook(int(disabled["id"]))
            changed.append(WebhookRegistration(topic, callback_url))
        return changed

    def orders_modified_since(self, after: datetime) -> Iterator[dict[str, Any]]:
        """Every order modified after `after` (GMT), as the wc/v3 order payload, page by page."""
        params = {"modified_after": _gmt(after), "dates_are_gmt": "true", "order": "asc"}
        yield from self._pages("orders", params)

    def order_refunds(self, order_id: str) -> list[dict[str, Any]]:
        """The order's refunds with the lines each gave back (GET orders/<id>/refunds, research §3.3)."""
        endpoint = f"orders/{urllib.parse.quote(order_id)}/refunds"
        return list(self._pages(endpoint, {}, max_pages=REFUND_PAGES, seconds=REFUND_SECONDS))

    def order_snapshot(self, payload: Any) -> Order:
        """An order payload as a snapshot; when it lists refunds, their lines are read from the
        refunds endpoint. Unreachable, the refunds count in proportion to the amounts they gave
        back (the order's own `refunds` list), and a log line says so."""
        if not refund_ids(payload):
            return to_order(payload)
        order_id = resource_id(payload)
        try:
            refunds = self.order_refunds(order_id)
        except PlatformError as exc:
            log.warning(
                "refunds of order %s not read from %s (%s): its basis is lowered in proportion to the amounts refunded",
                order_id,
                self.store_url,
                exc,
            )
            return to_order(payload)
        return to_order(payload, refunds)

    def orders_updated_since(self, since: datetime) -> Iterator[Order]:
        """Every order modified after `since`, mapped like its webhook (reconciliation)."""
        for payload in self.orders_modified_since(since):
            try:
                yield self.order_snapshot(payload)
            except PayloadError as exc:  # one odd order must not stop the others from healing
                log.warning("skipping order %s from %s: %s", payload.get("id"), self.store_url, exc)

    def credit_store_credit(self, customer_id: str, amount: Decimal, currency: str) -> str:
        raise CreditRejected("WooCommerce has no store credit")

    def _email_of(self, customer_id: str) -> str:
        """Coupons are limited by billing email on WooCommerce; guests are known by their email."""
        if "@" in customer_id:
            return customer_id
        customer = self.call("GET", f"customers/{urllib.parse.quote(customer_id)}")
        email = customer.get("email") if isinstance(customer, dict) else None
        if not email:
            raise CouponRejected(f"customer {customer_id} has no email to limit the coupon to")
        return str(email)

    def create_coupon(self, spec: CouponSpec) -> str:
        """Create the code on the store; returns the coupon's id. A code that exists already with our
        description is ours from an earlier attempt whose answer was lost, and counts as created."""
        body = coupon_body(spec, spec.customer_email or self._email_of(spec.customer_id))
        try:
            created = self.call("POST", "coupons", body)
        except PlatformError as exc:
            if exc.status != 400 or DUPLICATE_COUPON not in str(exc):
                raise
            return self._existing_coupon(spec)
        return str(created["id"])

    def create_friend_code(self, spec: FriendCodeSpec) -> str:
        """One coupon per advocate; its id (a lost answer's coupon is found by its code and ours)."""
        try:
            return str(self.call("POST", "coupons", friend_code_body(spec))["id"])
        except PlatformError as exc:
            if exc.status != 400 or DUPLICATE_COUPON not in str(exc):
                raise
            return self._existing_coupon(spec)

    def attach_coupon_to_order(self, order_id: str, code: str, card: UnboxingCardLink | None = None) -> None:
        """Record the unboxing code on the order (meta `_setia_unboxing_coupon`) with its card's scan
        link and QR image (`_setia_unboxing_url`, `_setia_unboxing_qr`), which the Setia WordPress
        plugin shows on the thank-you page, in the order emails, on the admin order screen and on the
        PDF packing slip."""
        entries = [{"key": "_setia_unboxing_coupon", "value": code}]
        if card is not None:
            entries += [{"key": "_setia_unboxing_url", "value": card.scan_url}]
            entries += [{"key": "_setia_unboxing_qr", "value": card.qr_url}]
        meta = {"meta_data": entries}
        self.call("PUT", f"orders/{urllib.parse.quote(order_id)}", meta)

    def _existing_coupon(self, spec: CouponSpec | FriendCodeSpec) -> str:
        found = self.call("GET", "coupons", params={"code": spec.code})
        for coupon in found if isinstance(found, list) else []:
            if str(coupon.get("code", "")).lower() == spec.code.lower() and coupon.get("description") == spec.title:
                return str(coupon["id"])
        raise CouponRejected(f"coupon code {spec.code} exists on the store and is not ours")


def _error_code(response: requests.Response) -> str:
    """The WP REST error code (`{"code": ..., "message": ...}`), or the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return f"{body.get('code')}: {body.get('message')}"
    return str(body)[:200]

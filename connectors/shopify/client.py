"""The Shopify Admin GraphQL API over `requests` (ShopifyAPI's urllib cannot be mocked; research §0)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import requests

from connectors.base import (
    CouponSpec,
    CreditRejected,
    FriendCodeSpec,
    Order,
    PayloadError,
    PlatformError,
    ShopInfo,
    UnboxingCardLink,
    WebhookRegistration,
    to_text,
)

from . import discounts
from .discounts import customer_gid, discount_input, iso  # noqa: F401  (discount_input: tests import it here)
from .documents import (
    LOCALES_QUERY,
    ORDERS_QUERY,
    SHOP_QUERY,
    STORE_CREDIT,
    WEBHOOK_CREATE,
    WEBHOOKS_QUERY,
)
from .mapping import graphql_to_order, to_order
from .order_card import create_definitions, write_card

log = logging.getLogger(__name__)
OPERATION = re.compile(r"\b(?:query|mutation)\s+(\w+)")

API_VERSION = "2026-07"
MAX_ATTEMPTS = 5
TIMEOUT = 10


def topic_enum(topic: str) -> str:
    """ "orders/paid" → "ORDERS_PAID" (GraphQL's WebhookSubscriptionTopic)."""
    return topic.replace("/", "_").upper()


class ShopifyClient:
    supports_store_credit: ClassVar[bool] = True
    apply_path: ClassVar[str] = "/discount/{code}"

    def __init__(
        self,
        domain: str,
        access_token: str,
        base_url: str | None = None,
        session: requests.Session | None = None,
        sleep: Any = time.sleep,
        on_unauthorized: Callable[[], str] | None = None,
    ) -> None:
        self.domain = domain
        # Called once per call that Shopify answers 401: a fresh token to repeat it with (an OAuth
        # shop's token expired or was revoked early); it raises PlatformError when there is none.
        self._on_unauthorized = on_unauthorized
        self.url = f"{base_url or 'https://' + domain}/admin/api/{API_VERSION}/graphql.json"
        self._token = access_token
        self._http = session or requests.Session()
        self._sleep = sleep

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`data` of a GraphQL answer; retries throttling (200 + THROTTLED), 429 and 5xx, and a 401
        once with the token `on_unauthorized` gives."""
        refreshed = False
        for attempt in range(MAX_ATTEMPTS):
            wait = self._attempt_wait(attempt)
            try:
                response = self._http.post(
                    self.url,
                    json={"query": query, "variables": variables or {}},
                    headers={"X-Shopify-Access-Token": self._token, "Content-Type": "application/json"},
                    timeout=TIMEOUT,
                )
            except requests.RequestException as exc:
                if attempt == MAX_ATTEMPTS - 1:
                    raise PlatformError(f"Shopify unreachable: {exc}") from exc
                self._sleep(wait)
                continue
            if response.status_code == 401 and self._on_unauthorized is not None and not refreshed:
                self._token, refreshed = self._on_unauthorized(), True
                continue
            if response.status_code in (401, 403):
                raise PlatformError(
                    f"Shopify refused the access token ({response.status_code})", False, response.status_code
                )
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == MAX_ATTEMPTS - 1:
                    break
                self._sleep(float(response.headers.get("Retry-After") or wait))
                continue
            if response.status_code != 200:
                raise PlatformError(f"Shopify answered {response.status_code}", False, response.status_code)
            body = response.json()
            errors = body.get("errors") or []
            if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors if isinstance(e, dict)):
                if attempt == MAX_ATTEMPTS - 1:
                    break
                self._sleep(self._throttle_wait(body, wait))
                continue
            if errors:
                raise PlatformError(f"Shopify GraphQL errors: {errors}", False)
            self._log_cost(query, body)
            return dict(body.get("data") or {})
        raise PlatformError("Shopify kept throttling or failing; try again later")

    def _log_cost(self, query: str, body: dict[str, Any]) -> None:
        """Shopify's `extensions.cost`: what each query costs against the shop's bucket."""
        cost = (body.get("extensions") or {}).get("cost")
        if not isinstance(cost, dict):
            return
        status = cost.get("throttleStatus") or {}
        match = OPERATION.search(query)
        log.info(
            "Shopify %s on %s cost %s points (requested %s); %s of %s available",
            match.group(1) if match else "query",
            self.domain,
            cost.get("actualQueryCost"),
            cost.get("requestedQueryCost"),
            status.get("currentlyAvailable"),
            status.get("maximumAvailable"),
        )

    @staticmethod
    def _attempt_wait(attempt: int) -> float:
        return min(0.5 * 2**attempt, 8.0)

    @staticmethod
    def _throttle_wait(body: dict[str, Any], default: float) -> float:
        """Wait until the bucket holds the requested cost, from extensions.cost.throttleStatus."""
        cost = (body.get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        try:
            missing = float(cost.get("requestedQueryCost", 0)) - float(status.get("currentlyAvailable", 0))
            rate = float(status.get("restoreRate") or 0)
        except (TypeError, ValueError):
            return default
        if rate <= 0:
            return default
        return min(max(missing / rate, 0.1), 10.0)

    def fetch_shop(self) -> ShopInfo:
        shop = self.graphql(SHOP_QUERY).get("shop") or {}
        return ShopInfo(
            name=shop.get("name") or self.domain,
            currency=shop.get("currencyCode") or "USD",
            language=self._primary_language(),
            email=shop.get("email"),
            timezone=to_text(shop.get("ianaTimezone"), 64),
        )

    def _primary_language(self) -> str | None:
        """The primary locale's language ("id" for id-ID); None when Shopify will not say (no
        `read_locales` on a custom app, or no answer): the language is a default, not a requirement."""
        try:
            data = self.graphql(LOCALES_QUERY)
        except PlatformError as exc:
            log.warning("could not read the languages of %s: %s", self.domain, exc)
            return None
        primary = [loc for loc in data.get("shopLocales") or [] if loc.get("primary")]
        return str(primary[0]["locale"]).split("-")[0] if primary else None

    def _existing_webhooks(self) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        after = None
        while True:
            page = self.graphql(WEBHOOKS_QUERY, {"after": after})["webhookSubscriptions"]
            nodes.extend(page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]

    def register_webhooks(self, callback_url: str, topics: list[str]) -> list[WebhookRegistration]:
        """Subscribe each topic to `callback_url`, creating only the ones not there yet."""
        existing = {(node["topic"], node.get("uri")) for node in self._existing_webhooks()}
        created = []
        for topic in topics:
            if (topic_enum(topic), callback_url) in existing:
                continue
            result = self.graphql(
                WEBHOOK_CREATE,
                {"topic": topic_enum(topic), "webhookSubscription": {"uri": callback_url, "format": "JSON"}},
            )["webhookSubscriptionCreate"]
            if result.get("userErrors"):
                raise PlatformError(f"Shopify refused the {topic} webhook: {result['userErrors']}", False)
            created.append(WebhookRegistration(topic, callback_url))
        return created

    def create_coupon(self, spec: CouponSpec) -> str:
        """Create the code on the shop; returns the discount's id (connectors/shopify/discounts.py)."""
        return discounts.create_coupon(self.graphql, spec)

    def create_friend_code(self, spec: FriendCodeSpec) -> str:
        """Add an advocate's friend code to the shop's friend discount (made with the first code)."""
        return discounts.create_friend_code(self.graphql, spec)

    def credit_store_credit(self, customer_id: str, amount: Decimal, currency: str) -> str:
        """Add `amount` to the customer's store credit account (created if missing); the transaction id."""
        variables = {
            "id": customer_gid(customer_id),
            "creditInput": {"creditAmount": {"amount": format(amount, "f"), "currencyCode": currency}},
        }
        result = self.graphql(STORE_CREDIT, variables)["storeCreditAccountCredit"]
        errors = result.get("userErrors") or []
        transaction = result.get("storeCreditAccountTransaction")
        if errors or not transaction:
            raise CreditRejected(f"Shopify refused the store credit: {errors or 'no transaction returned'}")
        return str(transaction["id"])

    def attach_coupon_to_order(self, order_id: str, code: str, card: UnboxingCardLink | None = None) -> None:
        """The code and scan link as order metafields (and the note, if asked): order_card.py."""
        write_card(self.graphql, order_id, code, card.scan_url if card else None, bool(card and card.order_note))

    def create_metafield_definitions(self) -> list[str]:
        return create_definitions(self.graphql)

    def order_snapshot(self, payload: Any) -> Order:
        return to_order(payload)

    def orders_updated_since(self, since: datetime) -> Iterator[Order]:
        """Every order updated at or after `since`, oldest change first, page by page."""
        search = f"updated_at:>='{iso(since)}'"
        after = None
        while True:
            page = self.graphql(ORDERS_QUERY, {"query": search, "after": after})["orders"]
            for node in page["nodes"]:
                try:
                    yield graphql_to_order(node)
                except PayloadError as exc:  # one odd order must not stop the others from healing
                    log.warning("skipping order %s from %s: %s", node.get("id"), self.domain, exc)
            if not page["pageInfo"]["hasNextPage"]:
                return
            after = page["pageInfo"]["endCursor"]

"""The Shopify Admin GraphQL API over `requests` (ShopifyAPI's urllib cannot be mocked; research §0)."""

from __future__ import annotations

import time
from typing import Any

import requests

from connectors.base import PlatformError, ShopInfo, WebhookRegistration

API_VERSION = "2026-07"
MAX_ATTEMPTS = 5
TIMEOUT = 10

SHOP_QUERY = """
query SetiaShop {
  shop { name email currencyCode }
  shopLocales { locale primary }
}
"""

WEBHOOKS_QUERY = """
query SetiaWebhooks($after: String) {
  webhookSubscriptions(first: 100, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}
"""

WEBHOOK_CREATE = """
mutation SetiaWebhookCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}
"""


def topic_enum(topic: str) -> str:
    """ "orders/paid" → "ORDERS_PAID" (GraphQL's WebhookSubscriptionTopic)."""
    return topic.replace("/", "_").upper()


class ShopifyClient:
    def __init__(
        self,
        domain: str,
        access_token: str,
        base_url: str | None = None,
        session: requests.Session | None = None,
        sleep: Any = time.sleep,
    ) -> None:
        self.domain = domain
        self.url = f"{base_url or 'https://' + domain}/admin/api/{API_VERSION}/graphql.json"
        self._token = access_token
        self._http = session or requests.Session()
        self._sleep = sleep

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`data` of a GraphQL answer; retries throttling (200 + THROTTLED), 429 and 5xx."""
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
            return dict(body.get("data") or {})
        raise PlatformError("Shopify kept throttling or failing; try again later")

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
        data = self.graphql(SHOP_QUERY)
        shop = data.get("shop") or {}
        locales = [loc for loc in data.get("shopLocales") or [] if loc.get("primary")]
        language = locales[0]["locale"].split("-")[0] if locales else None
        return ShopInfo(
            name=shop.get("name") or self.domain,
            currency=shop.get("currencyCode") or "USD",
            language=language,
            email=shop.get("email"),
        )

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

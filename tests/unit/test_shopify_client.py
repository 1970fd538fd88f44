"""The Shopify Admin GraphQL client against the strict fake Shopify (tests/fake_shopify.py): retries
(THROTTLED, 429, 5xx, network), refusals, pagination of webhook subscriptions and what is sent."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from connectors.base import PlatformError
from connectors.shopify.client import ShopifyClient, topic_enum
from connectors.shopify.documents import SHOP_QUERY, WEBHOOKS_QUERY
from tests.fake_shopify import FakeShopify, fake_shopify

DOMAIN = "setia-test.myshopify.com"
TOKEN = "shpat_unit_token"
CALLBACK = "https://setia.test/webhooks/shopify"

SHOP_DATA = {
    "shop": {"name": "Toko Setia", "email": "owner@example.com", "currencyCode": "IDR", "ianaTimezone": "Asia/Jakarta"}
}
LOCALES_DATA = {"shopLocales": [{"locale": "en", "primary": False}, {"locale": "id-ID", "primary": True}]}
THROTTLED = {
    "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev"}}],
    "extensions": {
        "cost": {
            "requestedQueryCost": 102,
            "actualQueryCost": None,
            "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 2, "restoreRate": 100.0},
        }
    },
}


@pytest.fixture()
def mocked() -> Iterator[FakeShopify]:
    with fake_shopify(DOMAIN) as fake:
        yield fake


class Sleeps(list[float]):
    """A `sleep` that records how long it was asked to wait, and waits not at all."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture()
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture()
def client(sleeps: Sleeps) -> ShopifyClient:
    return ShopifyClient(DOMAIN, TOKEN, sleep=sleeps)


def sent(fake: FakeShopify, index: int = -1) -> dict[str, Any]:
    call = fake.calls[index]
    return {"query": call.query, "variables": call.variables}


def page(nodes: list[tuple[str, str]], cursor: str | None = None) -> dict[str, Any]:
    return {
        "data": {
            "webhookSubscriptions": {
                "nodes": [
                    {"id": f"gid://shopify/WebhookSubscription/{n}", "topic": topic, "uri": uri}
                    for n, (topic, uri) in enumerate(nodes)
                ],
                "pageInfo": {"hasNextPage": cursor is not None, "endCursor": cursor},
            }
        }
    }


def created(topic: str) -> dict[str, Any]:
    node = {"id": "gid://shopify/WebhookSubscription/77", "topic": topic, "uri": CALLBACK}
    return {"data": {"webhookSubscriptionCreate": {"webhookSubscription": node, "userErrors": []}}}


# --- what is sent --------------------------------------------------------------------------------


def test_query_is_posted_with_the_access_token_and_variables(mocked: Any, client: ShopifyClient) -> None:
    mocked.answer("SetiaWebhooks", page([]))

    assert client.graphql(WEBHOOKS_QUERY, {"after": "cursor-1"}) == page([])["data"]

    assert (mocked.calls[0].token, mocked.calls[0].content_type) == (TOKEN, "application/json")
    assert sent(mocked) == {"query": WEBHOOKS_QUERY, "variables": {"after": "cursor-1"}}


def test_query_without_variables_sends_an_empty_object(mocked: Any, client: ShopifyClient) -> None:
    mocked.answer("SetiaShop", SHOP_DATA)

    client.graphql(SHOP_QUERY)

    assert sent(mocked)["variables"] == {}


def test_base_url_sends_calls_to_the_mock_origin(mocked: Any, sleeps: Sleeps) -> None:
    local = FakeShopify(mocked.mock, url="http://127.0.0.1:9999/admin/api/2026-07/graphql.json")
    local.answer("SetiaShop", SHOP_DATA)

    client = ShopifyClient(DOMAIN, TOKEN, base_url="http://127.0.0.1:9999", sleep=sleeps)
    assert client.graphql(SHOP_QUERY) == SHOP_DATA
    assert len(local.calls) == 1 and local.violations() == [] and mocked.calls == []


def test_shop_info_maps_name_currency_and_primary_language(mocked: Any, client: ShopifyClient) -> None:
    mocked.answer("SetiaShop", SHOP_DATA)
    mocked.answer("SetiaShopLocales", LOCALES_DATA)

    info = client.fetch_shop()

    assert (info.name, info.currency, info.language, info.email) == ("Toko Setia", "IDR", "id", "owner@example.com")
    assert [call.operation for call in mocked.calls] == ["SetiaShop", "SetiaShopLocales"]


def test_a_shop_without_locales_has_no_language(mocked: Any, client: ShopifyClient) -> None:
    mocked.answer("SetiaShop", SHOP_DATA)
    mocked.answer("SetiaShopLocales", {"shopLocales": []})

    assert client.fetch_shop().language is None


def test_without_read_locales_the_shop_keeps_its_name_and_currency(mocked: Any, client: ShopifyClient) -> None:
    """A custom app whose merchant did not tick read_locales: Shopify refuses shopLocales."""
    mocked.revoke("read_locales")
    mocked.answer("SetiaShop", SHOP_DATA)

    info = client.fetch_shop()

    assert (info.name, info.currency, info.language) == ("Toko Setia", "IDR", None)
    assert [refusal.codes for refusal in mocked.refused] == [{"ACCESS_DENIED"}]


def test_the_cost_shopify_reports_is_logged(
    mocked: Any, client: ShopifyClient, caplog: pytest.LogCaptureFixture
) -> None:
    mocked.answer("SetiaWebhooks", page([]))

    with caplog.at_level(logging.INFO, logger="connectors.shopify.client"):
        client.graphql(WEBHOOKS_QUERY, {"after": None})

    assert f"Shopify SetiaWebhooks on {DOMAIN} cost 102 points (requested 102); 1898.0 of 2000.0 available" in (
        caplog.messages
    )


@pytest.mark.parametrize(
    ("topic", "enum"),
    [("orders/paid", "ORDERS_PAID"), ("app/uninstalled", "APP_UNINSTALLED"), ("refunds/create", "REFUNDS_CREATE")],
)
def test_topics_become_graphql_enums(topic: str, enum: str) -> None:
    assert topic_enum(topic) == enum


# --- retries -------------------------------------------------------------------------------------


def test_throttled_query_is_retried_after_the_bucket_refills(
    mocked: Any, client: ShopifyClient, sleeps: Sleeps
) -> None:
    mocked.answer("SetiaShop", THROTTLED)  # Shopify throttles with HTTP 200
    mocked.answer("SetiaShop", THROTTLED)
    mocked.answer("SetiaShop", SHOP_DATA)
    mocked.answer("SetiaShopLocales", LOCALES_DATA)

    info = client.fetch_shop()

    assert info.name == "Toko Setia"
    assert len(mocked.calls_of("SetiaShop")) == 3
    assert sleeps == [1.0, 1.0]  # (102 requested - 2 available) / 100 restored per second
    assert sent(mocked, 0) == sent(mocked, 2)  # the same query again


def test_throttle_wait_is_bounded(mocked: Any, client: ShopifyClient, sleeps: Sleeps) -> None:
    slow = json.loads(json.dumps(THROTTLED))
    slow["extensions"]["cost"]["throttleStatus"].update(currentlyAvailable=0, restoreRate=1.0)
    full = json.loads(json.dumps(THROTTLED))
    full["extensions"]["cost"]["throttleStatus"].update(currentlyAvailable=2000)
    bare = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}
    for body in (slow, full, bare):
        mocked.answer("SetiaShop", body)
    mocked.answer("SetiaShop", SHOP_DATA)

    client.graphql(SHOP_QUERY)

    assert sleeps[0] == 10.0  # 102 s by the numbers, capped
    assert sleeps[1] == 0.1  # nothing missing: a short pause, never zero
    assert 0 < sleeps[2] <= 8.0  # no cost information: the attempt's backoff


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_rate_limit_and_server_errors_are_retried(
    mocked: Any, client: ShopifyClient, sleeps: Sleeps, status: int
) -> None:
    mocked.answer("SetiaShop", {"errors": "busy"}, status=status)
    mocked.answer("SetiaShop", SHOP_DATA)

    assert client.graphql(SHOP_QUERY) == SHOP_DATA
    assert len(mocked.calls) == 2
    assert len(sleeps) == 1


def test_retry_after_header_sets_the_wait(mocked: Any, client: ShopifyClient, sleeps: Sleeps) -> None:
    mocked.answer("SetiaShop", {"errors": "Too many requests"}, status=429, headers={"Retry-After": "2.0"})
    mocked.answer("SetiaShop", SHOP_DATA)

    client.graphql(SHOP_QUERY)

    assert sleeps == [2.0]


def test_backoff_grows_between_attempts(mocked: Any, client: ShopifyClient, sleeps: Sleeps) -> None:
    for _ in range(3):
        mocked.answer("SetiaShop", {"errors": "Service Unavailable"}, status=503)
    mocked.answer("SetiaShop", SHOP_DATA)

    client.graphql(SHOP_QUERY)

    assert len(sleeps) == 3
    assert sleeps[0] < sleeps[1] < sleeps[2]


def test_network_errors_are_retried(mocked: Any, client: ShopifyClient, sleeps: Sleeps) -> None:
    mocked.answer("SetiaShop", requests.ConnectionError("connection reset"))
    mocked.answer("SetiaShop", requests.Timeout("read timed out"))
    mocked.answer("SetiaShop", SHOP_DATA)

    assert client.graphql(SHOP_QUERY) == SHOP_DATA
    assert len(sleeps) == 2


def test_giving_up_after_repeated_failures_is_retryable(mocked: Any, client: ShopifyClient, sleeps: Sleeps) -> None:
    mocked.answer("SetiaShop", {"errors": "Service Unavailable"}, status=503, always=True)

    with pytest.raises(PlatformError) as raised:
        client.graphql(SHOP_QUERY)

    assert raised.value.retryable is True
    assert len(mocked.calls) == 5
    assert len(sleeps) <= 5


def test_unreachable_shopify_is_a_retryable_error(mocked: Any, client: ShopifyClient) -> None:
    mocked.answer("SetiaShop", requests.ConnectionError("no route to host"), always=True)

    with pytest.raises(PlatformError) as raised:
        client.graphql(SHOP_QUERY)

    assert raised.value.retryable is True
    assert len(mocked.calls) == 5


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_refused_token_is_not_retried(mocked: Any, client: ShopifyClient, sleeps: Sleeps, status: int) -> None:
    mocked.answer("SetiaShop", {"errors": "[API] Invalid API key or access token"}, status=status)

    with pytest.raises(PlatformError) as raised:
        client.fetch_shop()

    assert raised.value.retryable is False
    assert raised.value.status == status
    assert len(mocked.calls) == 1
    assert sleeps == []


def test_a_401_is_repeated_once_with_the_token_on_unauthorized_gives(mocked: Any, sleeps: Sleeps) -> None:
    """An OAuth shop's token expired or was revoked early: the app refreshes it, the call is repeated."""
    refreshed: list[str] = []

    def refresh() -> str:
        refreshed.append("shpat_fresh")
        return "shpat_fresh"

    client = ShopifyClient(DOMAIN, TOKEN, sleep=sleeps, on_unauthorized=refresh)
    mocked.answer("SetiaShop", {"errors": "[API] Invalid API key or access token"}, status=401)
    mocked.answer("SetiaShop", {"data": SHOP_DATA})
    mocked.answer("SetiaShopLocales", {"data": LOCALES_DATA})

    assert client.fetch_shop().name == "Toko Setia"
    assert refreshed == ["shpat_fresh"]
    tokens = [call.token for call in mocked.calls]
    assert tokens[:2] == [TOKEN, "shpat_fresh"]
    assert sleeps == []


def test_a_second_401_after_the_refresh_is_the_refusal(mocked: Any, sleeps: Sleeps) -> None:
    client = ShopifyClient(DOMAIN, TOKEN, sleep=sleeps, on_unauthorized=lambda: "shpat_fresh")
    mocked.answer("SetiaShop", {"errors": "[API] Invalid API key or access token"}, status=401, always=True)

    with pytest.raises(PlatformError) as raised:
        client.fetch_shop()

    assert raised.value.status == 401 and raised.value.retryable is False
    assert len(mocked.calls) == 2


@pytest.mark.parametrize("status", [400, 404])
def test_other_client_errors_are_not_retried(mocked: Any, client: ShopifyClient, sleeps: Sleeps, status: int) -> None:
    mocked.answer("SetiaShop", {"errors": "no"}, status=status)

    with pytest.raises(PlatformError) as raised:
        client.graphql(SHOP_QUERY)

    assert raised.value.retryable is False
    assert raised.value.status == status
    assert len(mocked.calls) == 1


def test_graphql_errors_other_than_throttling_are_not_retried(
    mocked: Any, client: ShopifyClient, sleeps: Sleeps
) -> None:
    with pytest.raises(PlatformError) as raised:
        client.graphql("query SetiaNope { shop { nope } }")  # the fake refuses it as Shopify does

    assert raised.value.retryable is False
    assert "Cannot query field 'nope' on type 'Shop'" in str(raised.value)
    assert len(mocked.calls) == 1
    assert sleeps == []
    assert [refusal.codes for refusal in mocked.refused] == [{"GRAPHQL_VALIDATION_FAILED"}]
    mocked.refused.clear()  # refused on purpose


# --- webhook subscriptions -----------------------------------------------------------------------


def test_register_webhooks_creates_each_missing_topic(mocked: Any, client: ShopifyClient) -> None:
    mocked.answer("SetiaWebhooks", page([]))
    mocked.answer("SetiaWebhookCreate", created("ORDERS_PAID"))
    mocked.answer("SetiaWebhookCreate", created("REFUNDS_CREATE"))

    registered = client.register_webhooks(CALLBACK, ["orders/paid", "refunds/create"])

    assert [(r.topic, r.callback_url) for r in registered] == [("orders/paid", CALLBACK), ("refunds/create", CALLBACK)]
    assert sent(mocked, 0)["variables"] == {"after": None}
    for index, topic in ((1, "ORDERS_PAID"), (2, "REFUNDS_CREATE")):
        body = sent(mocked, index)
        assert "webhookSubscriptionCreate" in body["query"]
        assert body["variables"] == {"topic": topic, "webhookSubscription": {"uri": CALLBACK, "format": "JSON"}}


def test_register_webhooks_reads_every_page_of_subscriptions(mocked: Any, client: ShopifyClient) -> None:
    mocked.answer("SetiaWebhooks", page([("ORDERS_PAID", CALLBACK)], cursor="cursor-1"))
    mocked.answer("SetiaWebhooks", page([("ORDERS_CREATE", CALLBACK)], cursor="cursor-2"))
    mocked.answer("SetiaWebhooks", page([("APP_UNINSTALLED", CALLBACK)]))
    mocked.answer("SetiaWebhookCreate", created("ORDERS_UPDATED"))

    topics = ["orders/create", "orders/paid", "orders/updated", "app/uninstalled"]
    registered = client.register_webhooks(CALLBACK, topics)

    assert [r.topic for r in registered] == ["orders/updated"]
    assert [sent(mocked, i)["variables"] for i in range(3)] == [
        {"after": None},
        {"after": "cursor-1"},
        {"after": "cursor-2"},
    ]
    assert sent(mocked, 3)["variables"]["topic"] == "ORDERS_UPDATED"
    assert len(mocked.calls) == 4


def test_subscription_to_another_address_does_not_count(mocked: Any, client: ShopifyClient) -> None:
    mocked.answer("SetiaWebhooks", page([("ORDERS_PAID", "https://old.example/webhooks")]))
    mocked.answer("SetiaWebhookCreate", created("ORDERS_PAID"))

    assert [r.topic for r in client.register_webhooks(CALLBACK, ["orders/paid"])] == ["orders/paid"]


def test_nothing_is_created_when_every_topic_exists(mocked: Any, client: ShopifyClient) -> None:
    mocked.answer("SetiaWebhooks", page([("ORDERS_PAID", CALLBACK), ("REFUNDS_CREATE", CALLBACK)]))

    assert client.register_webhooks(CALLBACK, ["orders/paid", "refunds/create"]) == []
    assert len(mocked.calls) == 1


def test_refused_subscription_is_an_error_naming_the_topic(mocked: Any, client: ShopifyClient) -> None:
    refused = {
        "data": {
            "webhookSubscriptionCreate": {
                "webhookSubscription": None,
                "userErrors": [
                    {
                        "field": ["webhookSubscription", "uri"],
                        "message": "Address for this topic has already been taken",
                    }
                ],
            }
        }
    }
    mocked.answer("SetiaWebhooks", page([]))
    mocked.answer("SetiaWebhookCreate", refused)

    with pytest.raises(PlatformError) as raised:
        client.register_webhooks(CALLBACK, ["orders/paid", "refunds/create"])

    assert raised.value.retryable is False
    assert "orders/paid" in str(raised.value)
    assert "already been taken" in str(raised.value)
    assert len(mocked.calls) == 2


def test_throttling_while_paging_resumes_from_the_same_cursor(
    mocked: Any, client: ShopifyClient, sleeps: Sleeps
) -> None:
    mocked.answer("SetiaWebhooks", page([("ORDERS_PAID", CALLBACK)], cursor="cursor-1"))
    mocked.answer("SetiaWebhooks", THROTTLED)
    mocked.answer("SetiaWebhooks", page([("REFUNDS_CREATE", CALLBACK)]))

    assert client.register_webhooks(CALLBACK, ["orders/paid", "refunds/create"]) == []
    assert sent(mocked, 1)["variables"] == sent(mocked, 2)["variables"] == {"after": "cursor-1"}
    assert len(sleeps) == 1

"""The app proxy signature (research/shopify.md §5): Shopify's published example, and requests signed
here with the recipe written out plainly — sorted "key=value" pairs, a repeated key's values joined
with ",", concatenated without a separator, hex HMAC-SHA256 with the app's secret."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from connectors.shopify.proxy import read_proxy_request, verify_proxy_signature

SECRET = "test-app-secret"
SHOP = "setia-test.myshopify.com"
NOW = 1_790_000_000


def shopify_signature(message: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def forwarded(customer: str = "1073339475", timestamp: int = NOW) -> list[tuple[str, str]]:
    """What Shopify forwards for GET /apps/setia/me, signed over the message written by hand."""
    message = f"logged_in_customer_id={customer}path_prefix=/apps/setiashop={SHOP}timestamp={timestamp}"
    return [
        ("shop", SHOP),
        ("logged_in_customer_id", customer),
        ("path_prefix", "/apps/setia"),
        ("timestamp", str(timestamp)),
        ("signature", shopify_signature(message)),
    ]


def test_shopify_published_example_verifies() -> None:
    # https://shopify.dev/docs/apps/build/online-store/app-proxies/authenticate-app-proxies
    query = [
        ("extra", "1"),
        ("extra", "2"),
        ("shop", "shop-name.myshopify.com"),
        ("logged_in_customer_id", "1"),
        ("path_prefix", "/apps/awesome_reviews"),
        ("timestamp", "1317327555"),
        ("signature", "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb"),
    ]
    assert verify_proxy_signature(query, "hush")


def test_anonymous_shopper_with_empty_customer_id_verifies() -> None:
    # The same example with no one logged in: the empty value is signed as "logged_in_customer_id=".
    query = [
        ("extra", "1"),
        ("extra", "2"),
        ("shop", "shop-name.myshopify.com"),
        ("logged_in_customer_id", ""),
        ("path_prefix", "/apps/awesome_reviews"),
        ("timestamp", "1317327555"),
        ("signature", "e072b6d7e6622d85912a5214b860d3100dc1e73d9bc29f43796ac8c9ff8093cb"),
    ]
    assert verify_proxy_signature(query, "hush")


def test_good_signature_verifies() -> None:
    assert verify_proxy_signature(forwarded(), SECRET)


def test_parameters_in_another_order_still_verify() -> None:
    query = forwarded()
    assert verify_proxy_signature(list(reversed(query)), SECRET)
    assert verify_proxy_signature([query[4], query[2], query[0], query[3], query[1]], SECRET)


@pytest.mark.parametrize("key", ["shop", "logged_in_customer_id", "path_prefix", "timestamp"])
def test_tampered_value_is_refused(key: str) -> None:
    query = [(k, v + "1" if k == key else v) for k, v in forwarded()]
    assert not verify_proxy_signature(query, SECRET)


def test_added_parameter_is_refused() -> None:
    assert not verify_proxy_signature([*forwarded(), ("extra", "1")], SECRET)


def test_repeated_parameter_values_are_joined_with_commas() -> None:
    message = f"extra=1,2logged_in_customer_id=path_prefix=/apps/setiashop={SHOP}timestamp={NOW}"
    query = [
        ("extra", "1"),
        ("shop", SHOP),
        ("extra", "2"),
        ("logged_in_customer_id", ""),
        ("path_prefix", "/apps/setia"),
        ("timestamp", str(NOW)),
        ("signature", shopify_signature(message)),
    ]
    assert verify_proxy_signature(query, SECRET)
    # Signed as two separate pairs, the same request does not verify.
    unjoined = f"extra=1extra=2logged_in_customer_id=path_prefix=/apps/setiashop={SHOP}timestamp={NOW}"
    assert not verify_proxy_signature([*query[:-1], ("signature", shopify_signature(unjoined))], SECRET)


def test_shopper_supplied_customer_id_next_to_shopifys_is_refused() -> None:
    # An anonymous shopper opens /apps/setia/me?logged_in_customer_id=1073339475; Shopify appends its
    # own empty value and signs "logged_in_customer_id=1073339475," — a valid signature that must
    # not make anyone that customer.
    message = f"logged_in_customer_id=1073339475,path_prefix=/apps/setiashop={SHOP}timestamp={NOW}"
    query = [
        ("logged_in_customer_id", "1073339475"),
        ("shop", SHOP),
        ("logged_in_customer_id", ""),
        ("path_prefix", "/apps/setia"),
        ("timestamp", str(NOW)),
        ("signature", shopify_signature(message)),
    ]
    assert not verify_proxy_signature(query, SECRET)


@pytest.mark.parametrize("key", ["shop", "timestamp", "path_prefix"])
def test_any_repeated_shopify_parameter_is_refused(key: str) -> None:
    query = forwarded()
    value = dict(query)[key]
    message = "".join(sorted(f"{k}={v},{v}" if k == key else f"{k}={v}" for k, v in query if k != "signature"))
    repeated = [*query[:-1], (key, value), ("signature", shopify_signature(message))]
    assert not verify_proxy_signature(repeated, SECRET)


def test_missing_or_empty_or_repeated_signature_is_refused() -> None:
    query = forwarded()
    without = [(k, v) for k, v in query if k != "signature"]
    assert not verify_proxy_signature(without, SECRET)
    assert not verify_proxy_signature([*without, ("signature", "")], SECRET)
    assert not verify_proxy_signature([*query, query[-1]], SECRET)


def test_wrong_secret_is_refused() -> None:
    assert not verify_proxy_signature(forwarded(), "another-app-secret")
    assert not verify_proxy_signature(forwarded(), "")


def test_non_hex_signature_is_refused() -> None:
    query = [(k, "é" * 64 if k == "signature" else v) for k, v in forwarded()]
    assert not verify_proxy_signature(query, SECRET)


def test_request_reads_shop_customer_and_time() -> None:
    proxied = read_proxy_request(forwarded(), NOW + 30)
    assert proxied is not None
    assert (proxied.shop, proxied.customer_id, proxied.timestamp) == (SHOP, "1073339475", NOW)


def test_no_one_logged_in_reads_as_no_customer() -> None:
    proxied = read_proxy_request(forwarded(customer=""), NOW)
    assert proxied is not None and proxied.customer_id is None


@pytest.mark.parametrize("offset", [-91, 91, -3600])
def test_timestamp_more_than_90_seconds_away_is_refused(offset: int) -> None:
    assert read_proxy_request(forwarded(timestamp=NOW + offset), NOW) is None
    assert read_proxy_request(forwarded(timestamp=NOW + offset), NOW + offset) is not None


@pytest.mark.parametrize("timestamp", ["", "abc", "1.5", "-1"])
def test_malformed_timestamp_is_refused(timestamp: str) -> None:
    query = [(k, timestamp if k == "timestamp" else v) for k, v in forwarded()]
    assert read_proxy_request(query, NOW) is None


def test_missing_shop_is_refused() -> None:
    query = [(k, v) for k, v in forwarded() if k != "shop"]
    assert read_proxy_request(query, NOW) is None

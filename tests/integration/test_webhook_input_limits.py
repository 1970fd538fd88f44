"""Webhook input that cannot be taken in: bodies over the size limit (however they are sent), and
values no column can hold, which are final failures at once instead of six retries over hours."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.deliveries import SHOP_DOMAIN, sign
from tests.woocommerce_deliveries import STORE_TOKEN, connected_store
from tests.woocommerce_deliveries import headers as wc_headers
from tests.woocommerce_deliveries import sign as wc_sign

LIMIT = 8 * 1024 * 1024


def chunked(client: FlaskClient, path: str, body: bytes, headers: dict[str, str]) -> Any:
    """A body sent with Transfer-Encoding: chunked and no Content-Length, through a server that
    terminates the input stream (gunicorn and Werkzeug's own server set wsgi.input_terminated)."""
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={**headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def shopify_headers(body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Shop-Domain": SHOP_DOMAIN,
        "X-Shopify-Webhook-Id": "wh-big",
        "X-Shopify-Hmac-Sha256": sign(body),
    }


def padded(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    return b'{"pad":"' + b"x" * (size - 10) + b'"}'


@pytest.mark.parametrize("size", [LIMIT + 1, LIMIT + 1024 * 1024])
def test_an_oversize_chunked_body_is_413_on_both_webhook_routes(
    app: Flask, client: FlaskClient, shop: dict[str, Any], size: int
) -> None:
    connected_store(app, {})
    body = padded(size)
    shopify = chunked(client, "/webhooks/shopify", body, shopify_headers(body))
    assert shopify.status_code == 413 and "error" in shopify.json
    woocommerce = chunked(
        client, f"/webhooks/woocommerce/{STORE_TOKEN}", body, wc_headers("order.updated", body, "d-big")
    )
    assert woocommerce.status_code == 413 and "error" in woocommerce.json
    assert wc_sign(body)  # signed correctly: the size alone is refused


def test_a_chunked_body_of_exactly_the_limit_is_read_whole(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    body = padded(LIMIT)
    response = chunked(client, "/webhooks/shopify", body, shopify_headers(body))
    assert response.status_code == 200 and response.json["ok"] is True

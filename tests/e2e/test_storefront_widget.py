"""The storefront widget in a real Chromium, on a page served from another origin with the
contract's script tag: the shopper's balance, a redemption that lowers it and shows the code."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from integrator.loyalty.models import Shop
from tests.conftest import Api
from tests.deliveries import fake30

JANE = "1073339475"
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/8"}, "userErrors": []}
}


@pytest.fixture()
def storefront(monkeypatch, app) -> Iterator[tuple[str, dict[str, str]]]:
    """A shop's storefront on another origin (another port), whose page the test writes."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # The storefront is on loopback: allowed as a CORS origin only with ALLOW_PRIVATE_STORE_URLS=1.
    config = dataclasses.replace(app.extensions["setia_config"], allow_private_store_urls=True)
    monkeypatch.setitem(app.extensions, "setia_config", config)
    yield f"http://127.0.0.1:{server.server_port}", pages
    server.shutdown()


def script_tag(app, shop: dict[str, Any], app_url: str, customer: str | None) -> str:
    attributes = f'data-shop="{shop["public_id"]}"'
    if customer:
        with app.extensions["setia_db"].session() as session:
            secret = app.extensions["setia_box"].decrypt(session.get(Shop, shop["id"]).widget_secret_enc)
        ts = str(int(time.time()))
        sig = hmac.new(secret.encode(), f"{customer}:{ts}".encode(), hashlib.sha256).hexdigest()
        attributes += f' data-customer="{customer}" data-ts="{ts}" data-sig="{sig}"'
    return f'<script src="{app_url}/widgets/loyalty.js" {attributes} defer></script>'


def test_a_signed_in_shopper_sees_the_balance_redeems_and_gets_a_code(
    app,
    client,
    shop,
    api,
    deliver,
    shopify,
    live_url,
    storefront,
    page,
):
    deliver("orders/paid", fake30())  # 181 points
    reward_id = (
        Api(client, shop["api_key"])
        .post("/rewards", {"name": "5 off", "points_cost": 100, "kind": "fixed_amount", "value": "5.00"})
        .json["id"]
    )
    assert reward_id
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    origin, pages = storefront
    pages["/"] = f"<html lang='en'><body><h1>Toko</h1>{script_tag(app, shop, live_url, JANE)}</body></html>"

    page.goto(origin + "/")
    launcher = page.locator("#setia-loyalty .launcher")
    launcher.wait_for()
    page.wait_for_function(
        "document.querySelector('#setia-loyalty').shadowRoot.querySelector('.launcher').textContent.includes('181')"
    )
    launcher.click()
    page.locator("#setia-loyalty .big").wait_for()
    assert "181" in page.locator("#setia-loyalty .big").inner_text()
    page.locator("#setia-loyalty li button").click()
    code = page.locator("#setia-loyalty .code")
    code.wait_for()
    assert code.inner_text().startswith("SETIA-")
    page.wait_for_function(
        "document.querySelector('#setia-loyalty').shadowRoot.querySelector('.big').textContent.includes('81')"
    )
    assert page.errors == []
    assert api.member(JANE)["points_available"] == 81


def test_an_anonymous_shopper_sees_the_program_but_no_balance(app, shop, live_url, storefront, page):
    origin, pages = storefront
    pages["/"] = f"<html lang='id'><body>{script_tag(app, shop, live_url, None)}</body></html>"
    page.goto(origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    page.locator("#setia-loyalty .me").wait_for()
    page.wait_for_function(
        "document.querySelector('#setia-loyalty').shadowRoot.querySelector('.me').textContent.length > 0"
    )
    text = page.locator("#setia-loyalty .me").inner_text()
    assert "Masuk" in text  # Indonesian: the page's lang
    assert page.locator("#setia-loyalty .big").count() == 0

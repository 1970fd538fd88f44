"""What the storefront browser tests share: a shop's storefront on another origin than the app (another
port on loopback) whose pages a test writes, optionally with Shopify's app proxy in front of the app;
the contract's script tag; screenshots; reading the widget's shadow DOM."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import http.server
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from integrator.loyalty.models import Shop
from tests.deliveries import APP_SECRET

SCREENSHOTS = Path(__file__).parent / "screenshots"
PROXY_PREFIX = "/apps/setia"


@dataclass
class Storefront:
    origin: str
    pages: dict[str, str] = field(default_factory=dict)
    # Shopify's app proxy: {PROXY_PREFIX}/<route> forwarded to app_url/proxy/shopify/<route>, signed.
    app_url: str = ""
    shop_domain: str = ""
    logged_in: str = ""
    requests: list[str] = field(default_factory=list)


def _proxy(store: Storefront, handler: http.server.BaseHTTPRequestHandler, body: bytes | None) -> None:
    """Forward like Shopify does: its own signed parameters appended to the shopper's query."""
    parts = urlsplit(handler.path)
    pairs = [tuple(pair.split("=", 1)) for pair in parts.query.split("&") if "=" in pair]
    pairs += [
        ("shop", store.shop_domain),
        ("logged_in_customer_id", store.logged_in),
        ("path_prefix", PROXY_PREFIX),
        ("timestamp", str(int(time.time()))),
    ]
    message = "".join(sorted(f"{key}={value}" for key, value in pairs))
    pairs.append(("signature", hmac.new(APP_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()))
    route = parts.path[len(PROXY_PREFIX) :]
    # urllib, not requests: a test's `responses` mock (fake Shopify) must not swallow this call.
    forwarded = urllib.request.Request(  # noqa: S310 (http to our own loopback app)
        f"{store.app_url}/proxy/shopify{route}?{urlencode(pairs)}",
        data=body,
        method=handler.command,
        headers={"Content-Type": handler.headers.get("Content-Type", "application/json")},
    )
    try:
        with urllib.request.urlopen(forwarded, timeout=10) as answer:  # noqa: S310 (our own loopback app)
            status, content, kind = answer.status, answer.read(), answer.headers.get("Content-Type")
    except urllib.error.HTTPError as refused:
        status, content, kind = refused.code, refused.read(), refused.headers.get("Content-Type")
    handler.send_response(status)
    # Shopify passes the app's content type on (text/html for the programme page).
    handler.send_header("Content-Type", kind or "application/json")
    handler.end_headers()
    handler.wfile.write(content)


@pytest.fixture(name="storefront")
def storefront_fixture(monkeypatch: Any, app: Any) -> Iterator[Storefront]:
    store = Storefront("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            store.requests.append(self.path)
            if self.path.startswith(PROXY_PREFIX + "/"):
                return _proxy(store, self, None)
            page = store.pages.get(self.path.split("?")[0], "").encode()
            self.send_response(200 if page else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def do_POST(self) -> None:  # noqa: N802
            store.requests.append(self.path)
            _proxy(store, self, self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    store.origin = f"http://127.0.0.1:{server.server_port}"
    # The storefront is on loopback: allowed as a CORS origin only with ALLOW_PRIVATE_STORE_URLS=1.
    config = dataclasses.replace(app.extensions["setia_config"], allow_private_store_urls=True)
    monkeypatch.setitem(app.extensions, "setia_config", config)
    yield store
    server.shutdown()


def widget_secret(app: Any, shop_id: int) -> str:
    with app.extensions["setia_db"].session() as session:
        return str(app.extensions["setia_box"].decrypt(session.get(Shop, shop_id).widget_secret_enc))


def script_tag(app: Any, shop: dict[str, Any], app_url: str, customer: str | None = None, **extra: str) -> str:
    """The contract's tag; with `customer`, the identity signed as the shop's server would sign it."""
    attributes = {"data-shop": shop["public_id"]}
    if customer:
        ts = str(int(time.time()))
        sig = hmac.new(widget_secret(app, shop["id"]).encode(), f"{customer}:{ts}".encode(), hashlib.sha256)
        attributes.update({"data-customer": customer, "data-ts": ts, "data-sig": sig.hexdigest()})
    attributes.update({f"data-{key.replace('_', '-')}": value for key, value in extra.items()})
    html = " ".join(f'{key}="{value}"' for key, value in attributes.items())
    return f'<script src="{app_url}/widgets/loyalty.js" {html} defer></script>'


def set_shop(app: Any, shop_id: int, **columns: Any) -> None:
    with app.extensions["setia_db"].session() as session:
        stored = session.get(Shop, shop_id)
        for key, value in columns.items():
            setattr(stored, key, value)


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def shadow_text(page: Any, selector: str, host: str = "#setia-loyalty") -> str:
    """Text of an element inside a widget's shadow root ('' when it is not there)."""
    return str(
        page.evaluate(
            "([host, selector]) => { const el = document.querySelector(host)?.shadowRoot?.querySelector(selector);"
            " return el ? el.textContent : ''; }",
            [host, selector],
        )
    )


def wait_text(page: Any, selector: str, text: str, host: str = "#setia-loyalty", timeout: float = 10_000) -> str:
    page.wait_for_function(
        "([host, selector, text]) => (document.querySelector(host)?.shadowRoot?.querySelector(selector)"
        "?.textContent || '').includes(text)",
        arg=[host, selector, text],
        timeout=timeout,
    )
    return shadow_text(page, selector, host)

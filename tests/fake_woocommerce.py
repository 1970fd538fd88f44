"""A strict fake of one WooCommerce store's REST API (wc/v3) on `responses`, for what Setia calls:
coupons, webhooks, orders (read, and their meta written), refunds, the currency setting and
customers. Like the real controllers it keeps only the fields they write and drops the rest without
a word, answers with their shapes and error codes, pages lists as WooCommerce does, and refuses
wrong REST keys (401). Endpoint rules: tests/fake_woocommerce_coupons.py, _webhooks.py, _rest.py."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import timedelta, timezone
from typing import Any

import responses

from tests.fake_woocommerce_coupons import CouponEndpoints
from tests.fake_woocommerce_rest import Answer, error, json_body, ok, page_of, query
from tests.fake_woocommerce_webhooks import WebhookEndpoints
from tests.woocommerce_deliveries import STORE_API


class FakeWooCommerce(CouponEndpoints, WebhookEndpoints):
    """The store's state, as a test sets and reads it: `coupons`, `webhooks`, `orders` (payloads the
    store lists), `refunds` (order id → its refunds), `order_meta` (order id → meta_data Setia wrote),
    `currency`, `customers` (id → customer), `keys` (the REST keys it accepts) and `down` (endpoint
    paths, such as "orders/723/refunds", that answer 503)."""

    def __init__(
        self,
        mock: responses.RequestsMock,
        keys: Collection[tuple[str, str]] = (("ck_test", "cs_test"),),
        site_offset: timedelta = timedelta(hours=7),
        api: str = STORE_API,
    ) -> None:
        self.mock = mock
        self.keys = set(keys)
        self.site_tz = timezone(site_offset)  # the WordPress site's timezone (Asia/Jakarta by default)
        self.currency = "USD"
        self.customers: dict[str, dict[str, Any]] = {}
        self.orders: list[dict[str, Any]] = []
        self.refunds: dict[str, list[dict[str, Any]]] = {}
        self.order_meta: dict[str, list[dict[str, Any]]] = {}
        self.down: set[str] = set()
        self.posted, self.coupons, self.refusals, self.lost_answers = [], [], [], 0
        self.webhooks, self.deleted_webhooks = {}, []
        self._last_id = 700
        routes: list[tuple[str, str, Callable[[Any, re.Match[str]], Answer]]] = [
            (responses.POST, r"coupons", self._create_coupon),
            (responses.GET, r"coupons", self._list_coupons),
            (responses.GET, r"webhooks", self._list_webhooks),
            (responses.POST, r"webhooks", self._create_webhook),
            (responses.PUT, r"webhooks/(\d+)", self._update_webhook),
            (responses.DELETE, r"webhooks/(\d+)", self._delete_webhook),
            (responses.GET, r"orders", self._list_orders),
            (responses.PUT, r"orders/(\d+)", self._update_order),
            (responses.GET, r"orders/(\d+)/refunds", self._list_refunds),
            (responses.GET, r"settings/general/woocommerce_currency", self._currency),
            (responses.GET, r"customers/(\d+)", self._customer),
        ]
        for method, path, handler in routes:
            url = re.compile(rf"{re.escape(api)}/({path})(\?.*)?$")
            mock.add_callback(method, url, callback=self._guarded(url, re.compile(path), handler))

    @property
    def calls(self) -> Any:
        """Every request Setia sent the store (responses' call list)."""
        return self.mock.calls

    def _new_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def _guarded(
        self, url: re.Pattern[str], path: re.Pattern[str], handler: Callable[[Any, re.Match[str]], Answer]
    ) -> Callable[[Any], Answer]:
        """Check the REST keys (HTTP Basic over https), then answer; a path in `down` answers 503."""

        def answer(request: Any) -> Answer:
            if _basic_auth(request) not in self.keys:
                return error("woocommerce_rest_authentication_error", "Consumer key is invalid.", 401)
            called = url.match(request.url)
            assert called is not None
            if called.group(1) in self.down:
                return 503, {"Content-Type": "text/html"}, "<html><body>503 Service Unavailable</body></html>"
            matched = path.fullmatch(called.group(1))
            assert matched is not None
            return handler(request, matched)

        return answer

    # --- orders, settings, customers ------------------------------------------------------------------

    def _list_orders(self, request: Any, _: re.Match[str]) -> Answer:
        """`modified_after` (GMT with dates_are_gmt=true), oldest first with order=asc."""
        params = query(request)
        after = params.get("modified_after", "")
        found = [order for order in self.orders if str(order.get("date_modified_gmt", "")) > after]
        found.sort(key=lambda order: str(order.get("date_created_gmt", "")), reverse=params.get("order") != "asc")
        return page_of(request, found)

    def _list_refunds(self, request: Any, match: re.Match[str]) -> Answer:
        return page_of(request, self.refunds.get(match.group(1), []))

    def _update_order(self, request: Any, match: re.Match[str]) -> Answer:
        """Setia writes only `meta_data` (the unboxing code): what the fake keeps of an order."""
        body = json_body(request)
        if body is None:
            return error("rest_invalid_json", "Invalid JSON body passed.")
        meta = body.get("meta_data")
        if meta is not None and not (isinstance(meta, list) and all(isinstance(m, dict) and "key" in m for m in meta)):
            return error("rest_invalid_param", "Invalid parameter(s): meta_data")
        stored = self.order_meta.setdefault(match.group(1), [])
        for entry in meta or []:
            kept = [m for m in stored if m["key"] != entry["key"]]
            stored[:] = [*kept, {"key": entry["key"], "value": entry.get("value")}]
        return ok({"id": int(match.group(1)), "meta_data": stored})

    def _currency(self, request: Any, _: re.Match[str]) -> Answer:
        return ok({"id": "woocommerce_currency", "label": "Currency", "value": self.currency})

    def _customer(self, request: Any, match: re.Match[str]) -> Answer:
        customer = self.customers.get(match.group(1))
        if customer is None:
            return error("woocommerce_rest_invalid_id", "Invalid resource ID.", 404)
        return ok(customer)


def _basic_auth(request: Any) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    key, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    return key, secret


@contextmanager
def fake_woocommerce(**kwargs: Any) -> Iterator[FakeWooCommerce]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeWooCommerce(mock, **kwargs)

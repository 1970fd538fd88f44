"""A strict fake of one WooCommerce store's REST API (wc/v3) on `responses`, for what Setia calls:
coupons, webhooks, order meta, the currency setting and customers. Like the real controllers it
keeps only the fields they write and drops the rest without a word, answers with their shapes and
error codes, and refuses wrong REST keys with 401. Sources (WooCommerce's and WordPress's own code):

- coupons: `WC_REST_Coupons_V2_Controller::prepare_object_for_database()` writes each writable schema
  property through `WC_Coupon::set_<key>()` when that setter exists. `date_expires_gmt` is in the
  schema but has no setter, so it is dropped; `date_expires` goes through `WC_Data::set_date_prop()`:
  `YYYY-MM-DDTHH:MM:SS` with `Z`/`±HH:MM` is read with that offset, anything else in the site's
  timezone. Codes are stored lower-cased and unique (400 `woocommerce_rest_coupon_code_already_exists`).
- webhooks: `WC_REST_Webhooks_V1_Controller`: create needs a valid topic and an http(s) delivery URL,
  ignores `status` (always active); update keeps the failure count (`WC_Webhook::failed_delivery()`
  disables a webhook whose count is already above 5); delete needs `force=true` (else 501).
- orders: Setia writes only `meta_data` (the unboxing code); that is what the fake keeps.
- wrong types of the fields it keeps: 400 `rest_invalid_param` (WordPress's schema validation)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

from tests.woocommerce_deliveries import STORE_API

Answer = tuple[int, dict[str, str], str]

CORE_TYPES = ("percent", "fixed_cart", "fixed_product")
WEBHOOK_STATUSES = ("active", "paused", "disabled")
WEBHOOK_RESOURCES = ("coupon", "customer", "order", "product")
WEBHOOK_EVENTS = ("created", "updated", "deleted", "restored")
MAX_FAILURES = 5  # the woocommerce_max_webhook_delivery_failures filter's default
ISO_WITH_OFFSET = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})$")

# WC_REST_Coupons_V2_Controller::get_item_schema(): the properties that are not readonly, with the
# type WordPress validates. `date_expires_gmt` is writable in the schema, but WC_Coupon has no setter.
COUPON_WRITABLE: dict[str, str] = {
    "code": "string",
    "amount": "string",
    "status": "string",
    "discount_type": "string",
    "description": "string",
    "date_expires": "date-time",
    "date_expires_gmt": "date-time",
    "individual_use": "boolean",
    "product_ids": "integer[]",
    "excluded_product_ids": "integer[]",
    "usage_limit": "integer",
    "usage_limit_per_user": "integer",
    "limit_usage_to_x_items": "integer",
    "free_shipping": "boolean",
    "product_categories": "integer[]",
    "excluded_product_categories": "integer[]",
    "exclude_sale_items": "boolean",
    "minimum_amount": "string",
    "maximum_amount": "string",
    "email_restrictions": "string[]",
    "meta_data": "object[]",
}
COUPON_WITHOUT_SETTER = {"date_expires_gmt"}
COUPON_DEFAULTS: dict[str, Any] = {
    "amount": "0",
    "status": "publish",
    "discount_type": "fixed_cart",
    "description": "",
    "date_expires": None,
    "individual_use": False,
    "product_ids": [],
    "excluded_product_ids": [],
    "usage_limit": None,
    "usage_limit_per_user": None,
    "limit_usage_to_x_items": None,
    "free_shipping": False,
    "product_categories": [],
    "excluded_product_categories": [],
    "exclude_sale_items": False,
    "minimum_amount": "0",
    "maximum_amount": "0",
    "email_restrictions": [],
    "meta_data": [],
}
WEBHOOK_WRITABLE = {
    "name": "string",
    "status": "string",
    "topic": "string",
    "secret": "string",
    "delivery_url": "string",
}


def error(code: str, message: str, status: int = 400) -> Answer:
    body = {"code": code, "message": message, "data": {"status": status}}
    return status, {"Content-Type": "application/json"}, json.dumps(body)


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)


def _is_type(value: Any, kind: str) -> bool:
    """WordPress's rest_validate_value_from_schema() for the types these schemas use."""
    if kind.endswith("[]"):
        return isinstance(value, list) and all(_is_type(item, kind[:-2]) for item in value)
    checks: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "date-time": lambda v: isinstance(v, str),
        "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and v.isdigit()),
        "boolean": lambda v: isinstance(v, bool) or v in ("true", "false", "0", "1", 0, 1),
        "object": lambda v: isinstance(v, dict),
    }
    return checks[kind](value)


def _invalid(body: dict[str, Any], schema: dict[str, str]) -> list[str]:
    """The schema properties whose (non-null) value has the wrong type; null skips validation."""
    return [key for key, kind in schema.items() if body.get(key) is not None and not _is_type(body[key], kind)]


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class FakeWooCommerce:
    """The store's state, as a test reads it: `coupons`, `webhooks` (by id, each with its
    `failure_count` and `secret`), `order_meta` (order id → meta_data) and `posted` (every coupon
    body Setia sent, accepted or not)."""

    def __init__(
        self,
        mock: responses.RequestsMock,
        keys: Collection[tuple[str, str]] = (("ck_test", "cs_test"),),
        site_offset: timedelta = timedelta(hours=7),
        api: str = STORE_API,
    ) -> None:
        self.keys = set(keys)  # the REST keys the store made (consumer key, consumer secret)
        self.mock = mock
        self.site_tz = timezone(site_offset)  # the WordPress site's timezone (Asia/Jakarta by default)
        self.currency = "USD"
        self.customers: dict[str, dict[str, Any]] = {}
        self.posted: list[dict[str, Any]] = []
        self.coupons: list[dict[str, Any]] = []
        self.webhooks: dict[int, dict[str, Any]] = {}
        self.deleted_webhooks: list[int] = []
        self.order_meta: dict[str, list[dict[str, Any]]] = {}
        self.refusals: list[tuple[str, str]] = []  # (code, message) to answer the next coupon POSTs with
        self.lost_answers = 0  # the next coupon POSTs store the coupon but answer 504 (the answer is lost)
        self._next_id = 700
        routes: list[tuple[str, str, Callable[[Any, re.Match[str]], Answer]]] = [
            (responses.POST, r"coupons", self._create_coupon),
            (responses.GET, r"coupons", self._list_coupons),
            (responses.GET, r"webhooks", self._list_webhooks),
            (responses.POST, r"webhooks", self._create_webhook),
            (responses.PUT, r"webhooks/(\d+)", self._update_webhook),
            (responses.DELETE, r"webhooks/(\d+)", self._delete_webhook),
            (responses.PUT, r"orders/(\d+)", self._update_order),
            (responses.GET, r"settings/general/woocommerce_currency", self._currency),
            (responses.GET, r"customers/(\d+)", self._customer),
        ]
        for method, path, handler in routes:
            pattern = re.compile(rf"{re.escape(api)}/{path}(\?.*)?$")
            mock.add_callback(method, pattern, callback=self._guarded(pattern, handler))

    # --- what a test does to the store -------------------------------------------------------------

    def refuse_next(self, code: str = "rest_invalid_param", message: str = "Invalid parameter(s): amount") -> None:
        self.refusals.append((code, message))

    def add_webhook(self, topic: str, delivery_url: str, signing_secret: str, status: str = "active") -> int:
        """A webhook already on the store (made earlier, by Setia or the merchant)."""
        hook_id = self._new_id()
        self.webhooks[hook_id] = self._webhook(hook_id, f"Setia {topic}", topic, delivery_url, signing_secret, status)
        return hook_id

    def fail_deliveries(self, hook_id: int, times: int) -> None:
        """`times` failed deliveries, as WC_Webhook::failed_delivery() counts them: a webhook whose
        count is already above the maximum is disabled, otherwise the count goes up."""
        hook = self.webhooks[hook_id]
        for _ in range(times):
            if hook["failure_count"] > MAX_FAILURES:
                hook["status"] = "disabled"
            else:
                hook["failure_count"] += 1

    @property
    def calls(self) -> Any:
        """Every request Setia sent the store (responses' call list)."""
        return self.mock.calls

    def hooks_delivering_to(self, url: str) -> list[dict[str, Any]]:
        return [hook for hook in self.webhooks.values() if hook["delivery_url"] == url]

    # --- plumbing ---------------------------------------------------------------------------------

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _guarded(
        self, pattern: re.Pattern[str], handler: Callable[[Any, re.Match[str]], Answer]
    ) -> Callable[[Any], Answer]:
        def answer(request: Any) -> Answer:
            if _basic_auth(request) not in self.keys:
                return error("woocommerce_rest_authentication_error", "Consumer key is invalid.", 401)
            match = pattern.match(request.url)
            assert match is not None
            return handler(request, match)

        return answer

    def _json(self, request: Any) -> dict[str, Any] | None:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    # --- coupons ------------------------------------------------------------------------------------

    def _create_coupon(self, request: Any, _: re.Match[str]) -> Answer:
        body = self._json(request)
        if body is None:
            return error("rest_invalid_json", "Invalid JSON body passed.")
        self.posted.append(body)
        if self.refusals:
            return error(*self.refusals.pop(0))
        if body.get("code") is None:
            return error("rest_missing_callback_param", "Missing parameter(s): code")
        invalid = _invalid(body, COUPON_WRITABLE)
        if invalid:
            return error("rest_invalid_param", f"Invalid parameter(s): {', '.join(invalid)}")
        code = str(body["code"]).strip().lower()
        if not code:
            return error("woocommerce_rest_empty_coupon_code", "The coupon code cannot be empty.")
        if any(coupon["code"] == code for coupon in self.coupons):
            return error("woocommerce_rest_coupon_code_already_exists", "The coupon code already exists")
        if body.get("discount_type", "fixed_cart") not in CORE_TYPES:
            return error("rest_invalid_param", "Invalid parameter(s): discount_type")
        for name in ("amount", "minimum_amount", "maximum_amount"):
            if body.get(name) is not None and _decimal(body[name]) is None:
                return error("rest_invalid_param", f"Invalid parameter(s): {name}")
        kept = {key: body[key] for key in COUPON_WRITABLE if key in body and key not in COUPON_WITHOUT_SETTER}
        stored = {**COUPON_DEFAULTS, **{k: v for k, v in kept.items() if v is not None}, "code": code}
        stored["id"] = self._new_id()
        stored["expires_at"] = self._read_date(stored.pop("date_expires"))
        self.coupons.append(stored)
        if self.lost_answers:
            self.lost_answers -= 1
            return 504, {"Content-Type": "text/html"}, "<html><body>504 Gateway Time-out</body></html>"
        return ok(self._coupon_answer(stored), 201)

    def _read_date(self, value: Any) -> datetime | None:
        """WC_Data::set_date_prop() for a string: its own offset, or the site's timezone."""
        if not value:
            return None
        match = ISO_WITH_OFFSET.match(str(value))
        if match:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
        try:
            return datetime.fromisoformat(str(value)).replace(tzinfo=self.site_tz).astimezone(UTC)
        except ValueError:
            return None  # set_date_prop() swallows what it cannot read: no expiry

    def _coupon_answer(self, coupon: dict[str, Any]) -> dict[str, Any]:
        """WC_REST_Coupons_V2_Controller::get_formatted_item_data()."""
        expires = coupon["expires_at"]
        answer = {key: value for key, value in coupon.items() if key != "expires_at"}
        for name in ("amount", "minimum_amount", "maximum_amount"):
            answer[name] = f"{Decimal(str(coupon[name])):.2f}"
        answer["date_expires"] = expires.astimezone(self.site_tz).strftime("%Y-%m-%dT%H:%M:%S") if expires else None
        answer["date_expires_gmt"] = expires.strftime("%Y-%m-%dT%H:%M:%S") if expires else None
        for name in ("usage_limit", "usage_limit_per_user", "limit_usage_to_x_items"):
            answer[name] = int(coupon[name]) if coupon[name] else None
        return {**answer, "usage_count": 0, "used_by": []}

    def _list_coupons(self, request: Any, _: re.Match[str]) -> Answer:
        wanted = parse_qs(urlsplit(request.url).query).get("code", [""])[0].lower()
        found = [self._coupon_answer(c) for c in self.coupons if not wanted or c["code"] == wanted]
        return ok(found)

    def expiry_of(self, code: str) -> datetime | None:
        """When the store will stop accepting `code` (UTC), as WooCommerce stored it."""
        [coupon] = [c for c in self.coupons if c["code"] == code.lower()]
        expires: datetime | None = coupon["expires_at"]
        return expires

    # --- webhooks -----------------------------------------------------------------------------------

    def _webhook(
        self, hook_id: int, name: str, topic: str, delivery_url: str, secret: str, status: str = "active"
    ) -> dict[str, Any]:
        resource, _, event = topic.partition(".")
        return {
            "id": hook_id,
            "name": name,
            "status": status,
            "topic": topic,
            "resource": resource,
            "event": event,
            "delivery_url": delivery_url,
            "secret": secret,
            "failure_count": 0,
        }

    def _webhook_answer(self, hook: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in hook.items() if key not in ("secret", "failure_count")}

    def _list_webhooks(self, request: Any, _: re.Match[str]) -> Answer:
        query = parse_qs(urlsplit(request.url).query)
        status = query.get("status", ["all"])[0]
        per_page, page = int(query.get("per_page", ["10"])[0]), int(query.get("page", ["1"])[0])
        hooks = [h for h in self.webhooks.values() if status == "all" or h["status"] == status]
        pages = max(1, -(-len(hooks) // per_page))
        shown = hooks[(page - 1) * per_page : page * per_page]
        headers = {"X-WP-Total": str(len(hooks)), "X-WP-TotalPages": str(pages)}
        return ok([self._webhook_answer(h) for h in shown], headers=headers)

    def _create_webhook(self, request: Any, _: re.Match[str]) -> Answer:
        body = self._json(request)
        if body is None:
            return error("rest_invalid_json", "Invalid JSON body passed.")
        invalid = _invalid(body, WEBHOOK_WRITABLE)
        if invalid:
            return error("rest_invalid_param", f"Invalid parameter(s): {', '.join(invalid)}")
        topic = str(body.get("topic") or "").lower()
        if not _valid_topic(topic):
            return error("woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid.")
        url = str(body.get("delivery_url") or "")
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            return error(
                "woocommerce_rest_shop_webhook_invalid_delivery_url",
                "Webhook delivery URL must be a valid URL starting with http:// or https://.",
            )
        hook_id = self._new_id()
        name = body.get("name") or "Webhook created on a date"
        self.webhooks[hook_id] = self._webhook(hook_id, name, topic, url, body.get("secret") or "random50")
        return ok(self._webhook_answer(self.webhooks[hook_id]), 201)  # status on create: ignored

    def _update_webhook(self, request: Any, match: re.Match[str]) -> Answer:
        hook = self.webhooks.get(int(match.group(1)))
        body = self._json(request)
        if hook is None:
            return error("woocommerce_rest_shop_webhook_invalid_id", "ID is invalid.")
        if body is None:
            return error("rest_invalid_json", "Invalid JSON body passed.")
        invalid = _invalid(body, WEBHOOK_WRITABLE)
        if invalid:
            return error("rest_invalid_param", f"Invalid parameter(s): {', '.join(invalid)}")
        if body.get("status") and body["status"] not in WEBHOOK_STATUSES:
            return error("woocommerce_rest_shop_webhook_invalid_status", "Webhook status must be valid.")
        for key in ("name", "status", "secret", "delivery_url"):
            if body.get(key):
                hook[key] = body[key]  # the failure count stays what it was
        return ok(self._webhook_answer(hook))

    def _delete_webhook(self, request: Any, match: re.Match[str]) -> Answer:
        force = parse_qs(urlsplit(request.url).query).get("force", ["false"])[0]
        if force not in ("true", "1"):
            return error("woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501)
        hook = self.webhooks.pop(int(match.group(1)), None)
        if hook is None:
            return error("woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.", 404)
        self.deleted_webhooks.append(hook["id"])
        return ok(self._webhook_answer(hook))

    # --- orders, settings, customers ------------------------------------------------------------------

    def _update_order(self, request: Any, match: re.Match[str]) -> Answer:
        body = self._json(request)
        if body is None:
            return error("rest_invalid_json", "Invalid JSON body passed.")
        meta = body.get("meta_data")
        if meta is not None and not (isinstance(meta, list) and all(isinstance(m, dict) and "key" in m for m in meta)):
            return error("rest_invalid_param", "Invalid parameter(s): meta_data")
        stored = self.order_meta.setdefault(match.group(1), [])
        for entry in meta or []:
            stored[:] = [m for m in stored if m["key"] != entry["key"]] + [
                {"key": entry["key"], "value": entry.get("value")}
            ]
        return ok({"id": int(match.group(1)), "meta_data": stored})

    def _currency(self, request: Any, _: re.Match[str]) -> Answer:
        return ok({"id": "woocommerce_currency", "label": "Currency", "value": self.currency})

    def _customer(self, request: Any, match: re.Match[str]) -> Answer:
        customer = self.customers.get(match.group(1))
        if customer is None:
            return error("woocommerce_rest_invalid_id", "Invalid resource ID.", 404)
        return ok(customer)


def _valid_topic(topic: str) -> bool:
    """wc_is_webhook_valid_topic(): `<resource>.<event>` of core's, or `action.<hook>`."""
    resource, _, event = topic.partition(".")
    return (resource in WEBHOOK_RESOURCES and event in WEBHOOK_EVENTS) or (resource == "action" and bool(event))


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

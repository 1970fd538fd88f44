"""A WooCommerce store's coupons endpoint faked with `responses`, behaving like the real one
(research/woocommerce.md §4): a code is required and unique (case-insensitive; duplicate → 400
`woocommerce_rest_coupon_code_already_exists`), `discount_type` is one of core's, `amount` is a
numeric string; the stored coupon comes back with the docs example's shape, its code lower-cased."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

from tests.woocommerce_deliveries import STORE_API, fixture

CORE_TYPES = ("percent", "fixed_cart", "fixed_product")


def _error(code: str, message: str, status: int = 400) -> tuple[int, dict[str, str], str]:
    body = {"code": code, "message": message, "data": {"status": status}}
    return status, {"Content-Type": "application/json"}, json.dumps(body)


class CouponStore:
    def __init__(self, mock: responses.RequestsMock) -> None:
        self.posted: list[dict[str, Any]] = []  # every body Setia sent, accepted or not
        self.coupons: list[dict[str, Any]] = []
        self.refusals: list[tuple[str, str]] = []  # (code, message) to answer the next POSTs with
        self.lost_answers = 0  # the next POSTs store the coupon but answer 504 (the answer is lost)
        mock.add_callback(responses.POST, f"{STORE_API}/coupons", callback=self._create)
        mock.add_callback(responses.GET, re.compile(rf"{re.escape(STORE_API)}/coupons(\?.*)?$"), callback=self._list)
        mock.put(re.compile(rf"{re.escape(STORE_API)}/orders/\d+"), json={"id": 963})

    def refuse_next(self, code: str = "rest_invalid_param", message: str = "Invalid parameter(s): amount") -> None:
        self.refusals.append((code, message))

    def _create(self, request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        self.posted.append(body)
        if self.refusals:
            return _error(*self.refusals.pop(0))
        code = str(body.get("code") or "").strip().lower()
        if not code:
            return _error("woocommerce_rest_empty_coupon_code", "The coupon code cannot be empty.")
        if any(coupon["code"] == code for coupon in self.coupons):
            return _error("woocommerce_rest_coupon_code_already_exists", "The coupon code already exists")
        if body.get("discount_type", "fixed_cart") not in CORE_TYPES:
            return _error("rest_invalid_param", "Invalid parameter(s): discount_type")
        for name in ("amount", "minimum_amount"):
            if name in body and not _numeric(body[name]):
                return _error("rest_invalid_param", f"Invalid parameter(s): {name}")
        coupon = {**fixture("coupon_create__docs_example"), **body, "code": code, "id": 700 + len(self.coupons)}
        self.coupons.append(coupon)
        if self.lost_answers:
            self.lost_answers -= 1
            return 504, {"Content-Type": "text/html"}, "<html><body>504 Gateway Time-out</body></html>"
        return 201, {"Content-Type": "application/json"}, json.dumps(coupon)

    def _list(self, request: Any) -> tuple[int, dict[str, str], str]:
        wanted = parse_qs(urlsplit(request.url).query).get("code", [""])[0].lower()
        found = [coupon for coupon in self.coupons if not wanted or coupon["code"] == wanted]
        return 200, {"Content-Type": "application/json"}, json.dumps(found)


def _numeric(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


@contextmanager
def coupon_store() -> Iterator[CouponStore]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield CouponStore(mock)

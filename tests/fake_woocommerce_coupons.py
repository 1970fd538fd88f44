"""The coupons endpoint of the WooCommerce fake, as WC_REST_Coupons_V2_Controller (wc/v3 extends it)
behaves: prepare_object_for_database() writes each writable schema property through
`WC_Coupon::set_<key>()` when that setter exists. `date_expires_gmt` is in the schema but has no
setter, so it is dropped without a word; `date_expires` goes through WC_Data::set_date_prop(): a
`YYYY-MM-DDTHH:MM:SS` with `Z`/`±HH:MM` is that instant, any other string is read in the site's
timezone, and what it cannot read is no expiry. Codes are stored lower-cased and unique."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any

from tests.fake_woocommerce_rest import Answer, decimal, error, invalid_fields, json_body, ok, query

CORE_TYPES = ("percent", "fixed_cart", "fixed_product")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
# get_item_schema(): the properties that are not readonly, with the type WordPress validates.
WRITABLE: dict[str, str] = {
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
WITHOUT_SETTER = {"date_expires_gmt"}
DEFAULTS: dict[str, Any] = {
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


class CouponEndpoints:
    """State: `coupons` (as stored, with `expires_at` in UTC), `posted` (every body Setia sent,
    accepted or not), `refusals` and `lost_answers` (answers a test queues)."""

    site_tz: tzinfo
    coupons: list[dict[str, Any]]
    posted: list[dict[str, Any]]
    refusals: list[tuple[str, str]]
    lost_answers: int

    def _new_id(self) -> int:
        raise NotImplementedError

    def refuse_next(self, code: str = "rest_invalid_param", message: str = "Invalid parameter(s): amount") -> None:
        self.refusals.append((code, message))

    def expiry_of(self, code: str) -> datetime | None:
        """When the store will stop accepting `code` (UTC), as WooCommerce stored it."""
        [coupon] = [c for c in self.coupons if c["code"] == code.lower()]
        expires: datetime | None = coupon["expires_at"]
        return expires

    def _create_coupon(self, request: Any, _: re.Match[str]) -> Answer:
        body = json_body(request)
        if body is None:
            return error("rest_invalid_json", "Invalid JSON body passed.")
        self.posted.append(body)
        refused = self._refusal(body)
        if refused:
            return refused
        kept = {key: body[key] for key in WRITABLE if key in body and key not in WITHOUT_SETTER}
        stored = {**DEFAULTS, **{k: v for k, v in kept.items() if v is not None}}
        stored.update(code=str(body["code"]).strip().lower(), id=self._new_id())
        stored["expires_at"] = self._read_date(stored.pop("date_expires"))
        self.coupons.append(stored)
        if self.lost_answers:
            self.lost_answers -= 1
            return 504, {"Content-Type": "text/html"}, "<html><body>504 Gateway Time-out</body></html>"
        return ok(self._coupon_answer(stored), 201)

    def _refusal(self, body: dict[str, Any]) -> Answer | None:
        if self.refusals:
            return error(*self.refusals.pop(0))
        if body.get("code") is None:
            return error("rest_missing_callback_param", "Missing parameter(s): code")
        wrong_type = invalid_fields(body, WRITABLE)
        if wrong_type:
            return wrong_type
        code = str(body["code"]).strip().lower()
        if not code:
            return error("woocommerce_rest_empty_coupon_code", "The coupon code cannot be empty.")
        if any(coupon["code"] == code for coupon in self.coupons):
            return error("woocommerce_rest_coupon_code_already_exists", "The coupon code already exists")
        if body.get("discount_type", "fixed_cart") not in CORE_TYPES:
            return error("rest_invalid_param", "Invalid parameter(s): discount_type")
        for name in ("amount", "minimum_amount", "maximum_amount"):
            if body.get(name) is not None and decimal(body[name]) is None:
                return error("rest_invalid_param", f"Invalid parameter(s): {name}")
        return None

    def _read_date(self, value: Any) -> datetime | None:
        """WC_Data::set_date_prop() for a string: its own offset, or the site's timezone."""
        if not value:
            return None
        text = str(value)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if ISO_WITH_OFFSET.match(text):
            return moment.astimezone(UTC)
        return moment.replace(tzinfo=self.site_tz).astimezone(UTC)

    def _coupon_answer(self, coupon: dict[str, Any]) -> dict[str, Any]:
        """get_formatted_item_data(): amounts with 2 decimals, dates local and GMT, 0 limits as null."""
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
        wanted = query(request).get("code", "").lower()
        return ok([self._coupon_answer(c) for c in self.coupons if not wanted or c["code"] == wanted])

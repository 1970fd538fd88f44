"""What every endpoint of the WooCommerce fake shares: WordPress REST answers and errors, its schema
type validation (rest_validate_value_from_schema for the types WooCommerce's schemas use; a null
value skips validation) and WooCommerce's pagination (per_page, page, X-WP-Total headers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], str]


def error(code: str, message: str, status: int = 400) -> Answer:
    body = {"code": code, "message": message, "data": {"status": status}}
    return status, {"Content-Type": "application/json"}, json.dumps(body)


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)


def json_body(request: Any) -> dict[str, Any] | None:
    """The request's JSON object; None when it is not one (WordPress: 400 rest_invalid_json)."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def query(request: Any) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(request.url).query).items()}


def _is_type(value: Any, kind: str) -> bool:
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


def invalid_fields(body: dict[str, Any], schema: dict[str, str]) -> Answer | None:
    """400 rest_invalid_param naming the schema properties whose value has the wrong type."""
    wrong = [key for key, kind in schema.items() if body.get(key) is not None and not _is_type(body[key], kind)]
    return error("rest_invalid_param", f"Invalid parameter(s): {', '.join(wrong)}") if wrong else None


def decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def page_of(request: Any, items: list[dict[str, Any]]) -> Answer:
    """One page of a list (per_page at most 100, default 10), with X-WP-Total and X-WP-TotalPages."""
    params = query(request)
    per_page, page = int(params.get("per_page", "10")), int(params.get("page", "1"))
    if not 1 <= per_page <= 100 or page < 1:
        return error("rest_invalid_param", "Invalid parameter(s): per_page")
    pages = max(1, -(-len(items) // per_page))
    headers = {"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)}
    return ok(items[(page - 1) * per_page : page * per_page], headers=headers)

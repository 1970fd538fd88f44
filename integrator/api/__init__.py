"""The merchant REST API (/api/v1): flask-smorest blueprints, Bearer API keys, JSON errors."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, jsonify, request
from flask_smorest import Api
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import HTTPException

from integrator.http_errors import JSON_PREFIXES
from integrator.loyalty.input_fields import DecimalText
from integrator.loyalty.shops import shop_for_api_key
from integrator.services import services


class ErrorSchema(Schema):
    """Every error answer of the API (and what the OpenAPI document says they are)."""

    error = fields.String(required=True, metadata={"description": "what went wrong, in a sentence"})
    details = fields.Raw(
        required=True,
        allow_none=True,
        metadata={"description": "field errors ({field: [messages]}) for invalid input; otherwise null or an object"},
    )


def decimal_text_properties(self: Any, field: Any, ret: dict[str, Any], **_: Any) -> dict[str, Any]:
    """A DecimalText is a decimal *string* in the document (that is what the API answers); its range
    goes into the description, since JSON Schema bounds apply to numbers only."""
    if not isinstance(field, DecimalText):
        return {}
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        ret.pop(key, None)  # apispec's, which also ignore whether a bound is included
    words = []
    for bound in (v for v in field.validators if isinstance(v, validate.Range)):
        if bound.min is not None:
            words.append(f"{'at least' if bound.min_inclusive else 'more than'} {bound.min}")
        if bound.max is not None:
            words.append(f"{'at most' if bound.max_inclusive else 'less than'} {bound.max}")
    words.append(f"at most {field.max_places} decimals")
    described = ret.get("description")
    rule = ", ".join(words)
    extra = {"type": "string", "format": "decimal", "description": f"{described} ({rule})" if described else rule}
    return extra


class SetiaApi(Api):
    """flask-smorest with the contract's error shape: {"error": ..., "details": ...}."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Any:
        if not request.path.startswith(JSON_PREFIXES):
            return error
        data = getattr(error, "data", None) or {}
        details = data.get("errors") or data.get("messages")
        if isinstance(details, dict) and set(details) <= {"json", "query", "headers", "form", "files"}:
            # webargs nests field errors under the location; one location is all a caller needs
            details = details.get("json") or details.get("query") or details
        message = data.get("message") or error.description or error.name
        if error.code == 422 and not data.get("message"):
            message = "invalid input"
        response = jsonify({"error": message, "details": details})
        response.status_code = error.code or 500
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response


def authenticate() -> Response | None:
    """Every /api/v1 call but the OpenAPI document carries `Authorization: Bearer <api_key>`."""
    if request.method == "OPTIONS" or request.path == "/api/v1/openapi.json":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return _unauthorized("missing API key: send Authorization: Bearer <api_key>")
    with services().db.session() as session:
        shop = shop_for_api_key(session, key.strip())
        if shop is None:
            return _unauthorized("invalid API key")
        session.expunge(shop)
    g.shop = shop
    g.actor = f"api-key:{key.strip()[:10]}"
    return None


def require_json_object() -> Response | None:
    """A write without a JSON object body is invalid input (422), whatever its content type."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        response = jsonify(
            {"error": "the body must be a JSON object (Content-Type: application/json)", "details": None}
        )
        response.status_code = 422
        return response
    return None


def _unauthorized(message: str) -> Response:
    response = jsonify({"error": message, "details": None})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="setia"'
    return response


def init_api(app: Flask) -> SetiaApi:
    app.config.update(
        API_TITLE="Setia merchant API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearerAuth": []}],
            "info": {"description": "Members, their ledgers and adjustments, and the shop's loyalty settings."},
        },
    )
    api = SetiaApi(app)
    api.ma_plugin.converter.add_attribute_function(decimal_text_properties)
    from . import (
        actions,
        coupons,
        data_requests,
        members,
        referrals,
        rewards,
        settings,
        tiers,
        unboxing,
        webhook_endpoints,
    )

    for blueprint in (
        members.blp,
        settings.blp,
        coupons.blp,
        data_requests.blp,
        rewards.blp,
        actions.blp,
        referrals.blp,
        unboxing.blp,
        webhook_endpoints.blp,
        tiers.blp,
    ):
        blueprint.before_request(authenticate)
        blueprint.before_request(require_json_object)
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    return api

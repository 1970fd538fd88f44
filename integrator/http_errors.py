"""The contract's error body, `{"error": ..., "details": ...}`, for every JSON endpoint, and the one
place a domain error becomes an HTTP answer: its own status (DomainError.status), as JSON for a
caller that reads JSON, as the plain error page of that status on a merchant page."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, default_exceptions

from integrator.error_texts import translated, translated_details
from integrator.loyalty.errors import DomainError

JSON_PREFIXES = ("/api/", "/webhooks/", "/widget/", "/proxy/", "/checkout/", "/healthz")
# The merchant pages' own fetch endpoints (the rewards and settings forms) answer JSON too.
ADMIN_JSON_PREFIX = "/admin/api/"


def json_error(status: int, message: str, details: Any = None, no_store: bool = False) -> Response:
    response = jsonify({"error": message, "details": details})
    response.status_code = status
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


def domain_error_response(error: DomainError) -> Response:
    """A domain error as the contract's JSON error: its status, its message and details, in the
    request's language (a merchant page's, or the API caller's Accept-Language; English by default)."""
    return json_error(error.status, translated(error.message), translated_details(error.details))


def _on_merchant_page() -> bool:
    return request.blueprint == "admin" and not request.path.startswith(ADMIN_JSON_PREFIX)


def domain_error(error: DomainError) -> Response | HTTPException:
    """The app-wide handler: a merchant page shows the error page of the status (as `abort` would:
    an unknown member is the 404 page); every other caller gets the JSON error."""
    if _on_merchant_page() and error.status in default_exceptions:
        return default_exceptions[error.status]()
    return domain_error_response(error)


def register_domain_errors(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error)

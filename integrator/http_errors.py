"""The contract's error body, `{"error": ..., "details": ...}`, for every JSON endpoint."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify


def json_error(status: int, message: str, details: Any = None, no_store: bool = False) -> Response:
    response = jsonify({"error": message, "details": details})
    response.status_code = status
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response

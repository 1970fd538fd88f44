"""GET /healthz: the app answers and the database answers."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        with current_app.extensions["setia_db"].session() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return jsonify({"status": "error", "database": "unreachable", "error": exc.__class__.__name__}), 503
    config = current_app.extensions["setia_config"]
    return jsonify({"status": "ok", "database": "ok", "jobs": "redis" if config.redis_url else "inline"}), 200

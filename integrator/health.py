"""GET /healthz: the app answers and the database answers; and how long ago the periodic jobs last
ran (reported, never a reason for a non-200: a stale scheduler must not take the web server out)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from integrator.loyalty.models import utcnow
from integrator.periodic_marks import scheduler_health
from integrator.services import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        with services().db.session() as session:
            scheduler = scheduler_health(session, utcnow())
    except SQLAlchemyError as exc:
        return jsonify({"status": "error", "database": "unreachable", "error": exc.__class__.__name__}), 503
    config = services().config
    jobs = "redis" if config.redis_url else "inline"
    return jsonify({"status": "ok", "database": "ok", "jobs": jobs, "scheduler": scheduler}), 200

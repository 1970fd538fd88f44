"""GET /widgets/loyalty.js: the storefront widget (widgets/ in the repository), with a short cache
lifetime so that a new release reaches storefronts within minutes."""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory

from integrator.config import ROOT

bp = Blueprint("widget_assets", __name__)


@bp.get("/widgets/loyalty.js")
def loyalty_js() -> Response:
    response = send_from_directory(ROOT / "widgets", "loyalty.js", mimetype="application/javascript", max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public script, no credentials
    return response

"""Merchant pages under /admin/: settings (and later rewards, members, analytics).

Embedded in the Shopify admin every request is authenticated by the App Bridge session token;
outside Shopify a login link starts a cookie session."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")

from integrator.admin import views  # noqa: E402,F401  (the routes register themselves on bp)
from integrator.admin import analytics  # noqa: E402,F401  (the analytics dashboard, D)
from integrator.admin import member_files, members  # noqa: E402,F401  (members pages, C2)

"""Merchant pages under /admin/: settings (and later rewards, members, analytics).

Embedded in the Shopify admin every request is authenticated by the App Bridge session token;
outside Shopify a login link starts a cookie session."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")

# The routes register themselves on bp: the frame, login and settings (views), analytics, members.
from integrator.admin import analytics, member_files, members, referrals_views, views  # noqa: E402,F401

"""The shopper-facing JSON API the storefront widgets call: /widget/v1/<public_id>/..."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("widget_api", __name__, url_prefix="/widget/v1")

from . import cashback, earn, programme_page, referral_links, views  # noqa: E402,F401  (register the routes on bp)

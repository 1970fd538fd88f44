"""The Shopify app's own routes: OAuth install and callback, token exchange."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("shopify_app", __name__)

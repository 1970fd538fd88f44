"""Shopify app proxy: the widget API reachable at the shop's /apps/... path, verified with
Shopify's proxy signature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("shopify_proxy", __name__)

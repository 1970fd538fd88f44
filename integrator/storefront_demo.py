"""GET /demo: a plain shop-like page on the app's own origin for `make run`, with the contract's
script tag and the demo shopper's identity signed here (as a shop's server signs it), a cart element
and a thank-you element for one of her orders. 404 unless the demo shop (`flask demo seed`) exists.
GET /discount/<code> stands in for the store's checkout link the widget's "apply at checkout" opens;
with `?redirect=/demo...` it does what Shopify's does: keeps the code for the cart (a cookie) and goes
back there, where the cart shows it applied."""

from __future__ import annotations

import time

from flask import Blueprint, abort, redirect, render_template, request
from werkzeug.wrappers import Response

from integrator.admin.settings_views import BUILTIN_TEXTS
from integrator.loyalty.models import Shop
from integrator.loyalty.settings import current_settings
from integrator.loyalty.shops import find_shop
from integrator.services import services
from integrator.widget_api.identity import sign_shopper

bp = Blueprint("storefront_demo", __name__, template_folder="templates")

DEMO_DOMAIN = "setia-demo.myshopify.com"
DEMO_SHOPPER = "7001"  # Sari, whose paid orders integrator/demo.py seeds
DEMO_ORDER = "9002"
DEMO_PRICES = ("125000", "56000")  # rupiah: a batik shirt, then Kopi Toraja (the quantity the shopper picks)
DEMO_SUBTOTAL = "181000"  # rupiah in the demo cart: one of each
DISCOUNT_COOKIE = "setia_demo_discount"
LANGUAGES = ("en", "id")


def _demo_shop() -> tuple[Shop, str]:
    with services().db.session() as session:
        shop = find_shop(session, "shopify", DEMO_DOMAIN)
        if shop is None:
            abort(404, "no demo shop: run `flask --app wsgi demo seed` (make run does)")
        session.expunge(shop)
    return shop, services().box.decrypt(shop.widget_secret_enc)


@bp.get("/demo")
def demo() -> str:
    shop, secret = _demo_shop()
    language = request.args.get("lang", "en")
    language = language if language in LANGUAGES else "en"
    ts = str(int(time.time()))
    return render_template(
        "storefront/demo.html",
        shop=shop,
        language=language,
        launcher=_launcher(shop, language),
        customer=DEMO_SHOPPER,
        ts=ts,
        sig=sign_shopper(secret, DEMO_SHOPPER, ts),
        order=DEMO_ORDER,
        subtotal=DEMO_SUBTOTAL,
        prices=DEMO_PRICES,
        discount=request.cookies.get(DISCOUNT_COOKIE, "")[:64],
    )


def _launcher(shop: Shop, language: str) -> dict[str, str]:
    """Where the widget's launcher is and what it says (the shop's settings, else the widget's
    built-in title), so the page's hint points at what the shopper sees."""
    widget = current_settings(shop)["widget"]
    title = widget["texts"].get(language, {}).get("title") or BUILTIN_TEXTS[language]["title"]
    return {"label": title, "side": "left" if widget["position"] == "bottom-left" else "right"}


@bp.get("/discount/<code>")
def discount(code: str) -> str | Response:
    shop, _ = _demo_shop()
    back = request.args.get("redirect", "")
    if back.startswith("/demo"):  # only back to the demo page, as Shopify follows only its own paths
        response = redirect(back)
        response.set_cookie(DISCOUNT_COOKIE, code[:64], httponly=True, samesite="Lax")
        return response
    return render_template("storefront/discount.html", shop=shop, code=code)

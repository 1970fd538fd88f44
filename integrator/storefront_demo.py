"""GET /demo: a plain shop-like page on the app's own origin for `make run`, with the contract's
script tag and the demo shopper's identity signed here (as a shop's server signs it), a cart element
and a thank-you element for one of her orders. 404 unless the demo shop (`flask demo seed`) exists.
GET /discount/<code> stands in for the store's checkout link the widget's "apply at checkout" opens.
With `?redirect=/demo...` it does what Shopify's does: keeps the code for the cart (a cookie) and goes
back there, where the cart shows it applied; without it, it is the demo store's cart with the code
applied (integrator/demo_store.py made the code, and applies it only while it is active, unused,
within its dates and minimum). POST /discount/<code> places the demo order with it (delivered to
Setia's inbox as the store would deliver it: the code is then used)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from integrator import jobs
from integrator.admin.settings_views import BUILTIN_TEXTS
from integrator.demo_store import CURRENCY, DOMAIN, INSTALL_KIND, SARI, Applied, apply_code, order_payload
from integrator.inbox import Incoming, store_delivery
from integrator.loyalty.models import Delivery, Shop
from integrator.loyalty.money import display, to_minor
from integrator.loyalty.settings import current_settings
from integrator.loyalty.shops import find_shop
from integrator.services import services
from integrator.widget_api.identity import sign_shopper

bp = Blueprint("storefront_demo", __name__, template_folder="templates")

DEMO_DOMAIN = DOMAIN
DEMO_SHOPPER = str(SARI[0])  # Sari, whose paid orders integrator/demo.py seeds
DEMO_ORDER = "9002"
DEMO_PRICES = ("125000", "56000")  # rupiah: a batik shirt, then Kopi Toraja (the quantity the shopper picks)
DISCOUNT_COOKIE = "setia_demo_discount"
# The demo store's cart at /discount/<code>: what Sari is about to buy (rupiah), and the shipping a
# free-shipping code takes off.
CART = (("Batik shirt", Decimal(125000)), ("Kopi Toraja 250 g", Decimal(56000)))
DEMO_SUBTOTAL = str(sum(price for _, price in CART))
SHIPPING = Decimal(20000)
LANGUAGES = ("en", "id")
# Orders placed from the demo cart get ids from here on (the seeded ones are 9001...9014).
PLACED_ORDER_BASE = 900_000


def _demo_shop() -> tuple[Shop, str]:
    with services().db.session() as session:
        shop = find_shop(session, "shopify", DEMO_DOMAIN)
        if shop is None or shop.install_kind != INSTALL_KIND:  # a real shop on that domain is no demo
            abort(404, "no demo shop: run `flask --app wsgi demo seed` (make run does)")
        session.expunge(shop)
    return shop, services().box.decrypt(shop.widget_secret_enc)


@bp.get("/demo")
def demo() -> str:
    shop, secret = _demo_shop()
    language = _language()
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
        cart_total=rupiah(Decimal(DEMO_SUBTOTAL), language),
        discount=request.cookies.get(DISCOUNT_COOKIE, "")[:64],
    )


def _language() -> str:
    """?lang=en|id, else the browser's choice (the widget's "apply" link carries no language)."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or "en"


def rupiah(amount: Decimal, language: str) -> str:
    return display(to_minor(amount, CURRENCY), CURRENCY, language)


def _launcher(shop: Shop, language: str) -> dict[str, str]:
    """Where the widget's launcher is and what it says (the shop's settings, else the widget's
    built-in title), so the page's hint points at what the shopper sees."""
    widget = current_settings(shop)["widget"]
    title = widget["texts"].get(language, {}).get("title") or BUILTIN_TEXTS[language]["title"]
    return {"label": title, "side": "left" if widget["position"] == "bottom-left" else "right"}


@bp.get("/demo/emails")
def demo_emails() -> str:
    """The demo shop's shopper emails, newest first: without SMTP_URL they are recorded, not sent."""
    shop, _ = _demo_shop()
    with services().db.session() as session:
        rows = session.execute(
            select(Delivery)
            .where(Delivery.shop_id == shop.id, Delivery.channel == "email")
            .order_by(Delivery.id.desc())
            .limit(50)
        ).scalars()
        emails = [
            {"to": row.recipient, "subject": row.subject, "status": row.status, "html": row.body, "at": row.created_at}
            for row in rows
        ]
    return render_template("storefront/emails.html", shop=shop, emails=emails)


@bp.get("/discount/<code>")
def discount(code: str) -> str | Response:
    shop, _ = _demo_shop()
    back = request.args.get("redirect", "")
    if back.startswith("/demo"):  # only back to the demo page, as Shopify follows only its own paths
        # As Shopify does: the code goes with the cart (the demo page's cart shows it), checked at
        # checkout; a code the store has not made yet (pending, a worker away) is still carried.
        response = redirect(back)
        response.set_cookie(DISCOUNT_COOKIE, code[:64], httponly=True, samesite="Lax")
        return response
    return _cart(shop, code, _applied(shop, code), placed=request.args.get("placed") == "1")


@bp.post("/discount/<code>")
def place_order(code: str) -> Response | tuple[str, int]:
    """The demo order with the code: refused (409, the cart with the reason) unless the code applies."""
    shop, _ = _demo_shop()
    applied = _applied(shop, code)
    if applied.verdict != "applied" or applied.coupon is None:
        return _cart(shop, code, applied), 409
    coupon = applied.coupon
    order_id = PLACED_ORDER_BASE + coupon.id  # one order per code: placing it again changes nothing
    paid = Decimal(DEMO_SUBTOTAL) - applied.discount
    now = datetime.now(UTC)
    body = order_payload(order_id, SARI, str(paid), "paid", now, (coupon.code,))
    incoming = Incoming(
        "shopify", DOMAIN, shop.id, "orders/paid", f"demo-cart-{order_id}", None, now, json.dumps(body).encode()
    )
    with services().db.session() as session:
        event_id = store_delivery(session, incoming, "received")
    if event_id is not None:
        jobs.notify(event_id)
    return redirect(url_for("storefront_demo.discount", code=coupon.code, lang=_language(), placed="1"), 303)


def _applied(shop: Shop, code: str) -> Applied:
    with services().db.session() as session:
        applied = apply_code(session, shop, code[:64], Decimal(DEMO_SUBTOTAL), datetime.now(UTC))
        if applied.coupon is not None:
            session.expunge(applied.coupon)
    return applied


def _cart(shop: Shop, code: str, applied: Applied, placed: bool = False) -> str:
    language = _language()
    subtotal = Decimal(DEMO_SUBTOTAL)
    shipping = Decimal(0) if applied.shipping_free else SHIPPING
    total = subtotal - applied.discount + shipping
    coupon = applied.coupon
    facts: dict[str, Any] = {
        "minimum": rupiah(Decimal(coupon.min_order), language) if coupon and coupon.min_order else "",
        "expired": coupon.expires_at.date().isoformat() if coupon and coupon.expires_at else "",
    }
    return render_template(
        "storefront/discount.html",
        shop=shop,
        code=code[:64],
        language=language,
        applied=applied,
        facts=facts,
        placed=placed,
        lines=[(name, rupiah(price, language)) for name, price in CART],
        subtotal=rupiah(subtotal, language),
        discount=rupiah(applied.discount, language),
        shipping=rupiah(shipping, language),
        total=rupiah(total, language),
    )

"""The "Unboxing cards" page (/admin/unboxing): the orders with unboxing codes of a range of days,
their scans and whether they were printed; the print page (/admin/unboxing/print, one card per code,
a cookie or embedded session or a short-lived signed link); marking cards printed (a POST)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from integrator.admin import bp
from integrator.admin.access import (
    Merchant,
    NotSignedIn,
    current_merchant,
    load_shop,
    merchant_action,
    merchant_page,
    refused,
    render_page,
    wants_json,
)
from integrator.admin.analytics import Formats
from integrator.admin.i18n import use_shop_language
from integrator.admin.unboxing_logo import logo_url
from integrator.admin.unboxing_print import (
    PER_SHEET,
    SIZE_NAMES,
    card_language,
    card_row,
    card_words,
    print_link_shop,
    sheets,
    sign_print_link,
    size_of,
)
from integrator.error_texts import translated
from integrator.loyalty.card_settings import CARD_SIZES
from integrator.loyalty.models import Shop, utcnow
from integrator.loyalty.settings import current_settings
from integrator.loyalty.unboxing import MAX_CARDS, BadRange, cards_between, day_range, mark_printed, today_of
from integrator.loyalty.unboxing_stats import weekly
from integrator.services import services

MAX_TOKENS = MAX_CARDS


def _tokens(values: list[str]) -> list[str] | None:
    """The selected cards (scan tokens), or None for "every card of the days"."""
    picked = [value for value in values if value and len(value) <= 32][:MAX_TOKENS]
    return picked or None


@bp.get("/unboxing")
@merchant_page
def unboxing_page(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    try:
        first, last = day_range(shop, request.args, utcnow())
        size = size_of(shop, request.args.get("size"))
    except BadRange as exc:
        return refused(400, translated(str(exc)))
    not_printed = request.args.get("not_printed") == "1"
    app_url = services().config.app_url
    with services().db.session() as session:
        cards = cards_between(session, shop, first, last, not_printed=not_printed)
        weeks = weekly(session, shop, today_of(shop, utcnow()))
    fmt = Formats(shop)
    query = {"from": first.isoformat(), "to": last.isoformat(), "size": size}
    if merchant.embedded:  # a new window has no session token: a signed link, valid for minutes
        query["link"] = sign_print_link(services().config.secret_key, shop.id)
    return render_page(
        "admin/unboxing.html",
        merchant,
        shop,
        rows=[card_row(card, app_url, fmt) for card in cards],
        first=first.isoformat(),
        last=last.isoformat(),
        not_printed=not_printed,
        size=size,
        sizes=[(name, SIZE_NAMES[name]) for name in CARD_SIZES],
        print_url=url_for("admin.unboxing_print") + "?" + urlencode(query),
        print_link=query.get("link"),
        max_cards=MAX_CARDS,
        marked=request.args.get("marked"),
        weeks=[
            {
                "start": week.start.isoformat(),
                "label": fmt.day(week.start),
                "printed": fmt.number(week.printed),
                "scans": fmt.number(week.scans),
                "redeemed": fmt.number(week.redeemed),
                "revenue": fmt.money(week.revenue_minor),
            }
            for week in reversed(weeks)
        ],
    )


def _print_viewer() -> tuple[Merchant | None, Shop]:
    """Who may see the print page: a valid signed link, else a signed-in merchant."""
    signed = request.args.get("link")
    if signed:
        shop_id = print_link_shop(services().config.secret_key, signed)
        if shop_id is None:
            raise NotSignedIn("stale or forged print link")
        with services().db.session() as session:
            shop = session.get(Shop, shop_id)
            if shop is None:
                raise NotSignedIn("no such shop")
            session.expunge(shop)
        use_shop_language(shop.language)
        return None, shop
    merchant = current_merchant(request, page_load=True)
    shop = load_shop(merchant)
    use_shop_language(shop.language)
    return merchant, shop


@bp.get("/unboxing/print")
def unboxing_print() -> ResponseReturnValue:
    """One card per unboxing code of the days (or of the selected cards), for the browser's print."""
    try:
        merchant, shop = _print_viewer()
    except NotSignedIn:
        return redirect(url_for("admin.login_notice"), code=302)
    try:
        first, last = day_range(shop, request.args, utcnow())
        size = size_of(shop, request.args.get("size"))
    except BadRange as exc:
        return refused(400, translated(str(exc)))
    tokens = _tokens(request.args.getlist("card"))
    with services().db.session() as session:
        cards = cards_between(session, shop, first, last, tokens=tokens)
    words = card_words(shop, cards, services().config.app_url)
    settings_accent = _accent(shop)
    nonce = secrets.token_urlsafe(12)
    page = render_template(
        "admin/unboxing_print.html",
        shop=shop,
        merchant=None,
        sheets=sheets(words, size),
        size=size,
        per_sheet=PER_SHEET[size],
        count=len(words),
        accent=settings_accent,
        nonce=nonce,
        first=first.isoformat(),
        last=last.isoformat(),
        logo_url=logo_url(shop),
        card_lang=card_language(shop),
    )
    response = Response(page, 200, content_type="text/html; charset=utf-8")
    # The page's own policy: the card colour is one inline rule (a checked #rrggbb) under a nonce.
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _accent(shop: Shop) -> str:
    return str(current_settings(shop)["unboxing"]["card_accent"])


@bp.post("/unboxing/printed")
@merchant_action
def unboxing_printed(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    """Mark cards printed (again, for a reprint): the selected ones (`card` = scan tokens), or every
    card of the days. A form post goes back to the list; a fetch gets {"marked": n}."""
    body: Any = request.get_json(silent=True) if request.is_json else None
    if request.is_json and not isinstance(body, dict):
        return refused(400, translated("the body must be a JSON object"))
    source = body if isinstance(body, dict) else request.form
    values = source.get("card", []) if isinstance(body, dict) else request.form.getlist("card")
    valid = isinstance(values, list) and all(isinstance(v, str) and 0 < len(v) <= 32 for v in values)
    if not valid or len(values) > MAX_TOKENS:  # never "every card" by mistake
        return refused(400, translated("card must be a list of at most 1000 scan tokens"))
    if any(not isinstance(source.get(key), str | None) for key in ("from", "to")):
        return refused(400, translated("not a day (YYYY-MM-DD): {text}".format(text="?")))
    tokens = _tokens([str(value) for value in values])
    args = {key: str(source.get(key) or "") for key in ("from", "to")}
    try:
        first, last = day_range(shop, args, utcnow())
    except BadRange as exc:
        return refused(400, translated(str(exc)))
    with services().db.session() as session:
        if tokens is None:
            tokens = [card.token for card in cards_between(session, shop, first, last)]
        marked = mark_printed(session, shop.id, tokens)
    if wants_json(request):
        return {"marked": marked}
    query = {"from": first.isoformat(), "to": last.isoformat(), "marked": str(marked)}
    return redirect(url_for("admin.unboxing_page") + "?" + urlencode(query), code=303)

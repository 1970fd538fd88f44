"""The one-click unsubscribe link of every shopper email (RFC 8058): a POST unsubscribes at once (the
mail provider's one-click button posts `List-Unsubscribe=One-Click`); a GET only shows a page with
a confirmation button, because mail scanners open links. The signed token names shop and member."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from integrator.loyalty import notifications
from integrator.loyalty.models import Member, Shop, utcnow
from integrator.queue import in_transaction
from integrator.services import services

from .jobs import read_unsubscribe_token
from .render import language_of

bp = Blueprint("notify", __name__, template_folder="templates")

MAX_TOKEN = 200

TEXTS = {
    "en": {
        "title": "Unsubscribe",
        "ask": "Stop the loyalty programme emails of {shop} to {email}?",
        "button": "Unsubscribe",
        "done": "You are unsubscribed: {shop} sends you no more loyalty programme emails.",
    },
    "id": {
        "title": "Berhenti berlangganan",
        "ask": "Hentikan email program loyalitas {shop} ke {email}?",
        "button": "Berhenti berlangganan",
        "done": "Anda sudah berhenti berlangganan: {shop} tidak lagi mengirim email program loyalitas kepada Anda.",
    },
}


def _subject(token: str) -> tuple[Shop, Member]:
    found = read_unsubscribe_token(token) if len(token) <= MAX_TOKEN else None
    if found is None:
        abort(404)
    shop_id, member_id = found
    with services().db.session() as session:
        shop, member = session.get(Shop, shop_id), session.get(Member, member_id)
        if shop is None or member is None or member.shop_id != shop.id:
            abort(404)
        session.expunge_all()
    return shop, member


def _page(shop: Shop, member: Member, done: bool) -> str:
    language = language_of(shop.language)
    texts = TEXTS[language]
    words = {"shop": shop.name or shop.domain, "email": member.email or ""}
    return render_template(
        "notify/unsubscribe.html",
        language=language,
        title=texts["title"],
        message=(texts["done"] if done else texts["ask"]).format(**words),
        button=None if done else texts["button"],
    )


@bp.get("/unsubscribe/<token>")
def confirm(token: str) -> str:
    shop, member = _subject(token)
    return _page(shop, member, done=False)


@bp.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> str:
    shop, member = _subject(token)
    in_transaction(lambda session: notifications.opt_out(session, shop.id, member.id, utcnow()))
    return _page(shop, member, done=True)

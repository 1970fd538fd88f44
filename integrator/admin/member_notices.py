"""What a member was told, on the member page: the email log (sent, recorded, failed, skipped) and
WhatsApp click-to-chat links (https://wa.me/<number>?text=...) with a message prefilled for the
member's recent events, in the shop's language, for the merchant to send from their own WhatsApp."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrator.admin.home_views import when
from integrator.loyalty.models import DomainEvent, Member, Shop
from integrator.loyalty.notifications import email_kind
from integrator.loyalty.webhook_endpoints import emails_of
from integrator.notify.jobs import brand_of
from integrator.notify.render import fill, language_of
from integrator.notify.texts import EMAILS

RECENT_EVENTS = 20
LINKS = 5


def whatsapp_number(phone: str | None) -> str:
    """Digits only, in international form (research/wave2.md §4: no "+", no leading 0; an
    Indonesian 0812... becomes 62812...). Empty when unknown: wa.me then asks for the contact."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def whatsapp_link(phone: str | None, text: str) -> str:
    return f"https://wa.me/{whatsapp_number(phone)}?text={quote(text, safe='')}"


def member_notices(session: Session, shop: Shop, member: Member) -> dict[str, Any]:
    emails = [
        {
            "created_at": when(delivery.created_at),
            "subject": delivery.subject or delivery.template,
            "status": delivery.status,
            "error": delivery.last_error,
            "attempts": delivery.attempts,
        }
        for delivery in emails_of(session, shop.id, member.id)
    ]
    events = session.execute(
        select(DomainEvent)
        .where(DomainEvent.shop_id == shop.id, DomainEvent.member_id == member.id)
        .order_by(DomainEvent.id.desc())
        .limit(RECENT_EVENTS)
    ).scalars()
    brand, language = brand_of(shop), language_of(shop.language)
    links = []
    for event in events:
        kind = email_kind(event.type, event.data)
        if kind is None or member.erased_at is not None:
            continue
        values, texts = fill(kind, brand, event.data), EMAILS[kind][language]
        text = f"{brand.name}: {texts['heading'].format(**values)}\n{texts['body'].format(**values)}"
        links.append({"label": texts["subject"].format(**values), "href": whatsapp_link(None, text)})
        if len(links) >= LINKS:
            break
    return {"emails": emails, "whatsapp": links}

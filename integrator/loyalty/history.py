"""A shopper's own ledger, a page at a time, newest first, with amounts formatted for display the
way the widget shows them ("+181" points, "+Rp 3.620" cashback)."""

from __future__ import annotations

import re
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .members import find_member
from .models import LedgerEntry, Order, Referral, Shop
from .money import display
from .reasons import reason as coded_reason
from .reasons import worded
from .shapes import HISTORY_ENTRY
from .shopper import locale_of

MAX_PAGE_SIZE = 50
# Who made an entry is the merchant's business: members.adjust_points and the opening-balance
# import append " (by <actor>)" (an API key prefix, a login) to the reason they store.
ACTOR = re.compile(r" \(by [^()]*\)$")


def signed_display(account: str, amount: int, currency: str, locale: str) -> str:
    """Points as "+181" / "-100"; cashback (minor units) as "+Rp 3.620" / "-$3.62"."""
    sign = "-" if amount < 0 else "+"
    if account == "points":
        return f"{sign}{format_decimal(abs(amount), locale=locale)}"
    return f"{sign}{display(abs(amount), currency, locale)}"


def describe_entry(entry: LedgerEntry, order_name: str | None, language: str = "en") -> str | None:
    """An order's entries by the order's name (#1001); a referral's by the friend whose order earned
    it (`order_name` holds their first name there); an import as such (the file's name is the
    merchant's); Setia's own reasons in the shop's language (reasons.py); a merchant's reason as
    written, without who made it."""
    if entry.source == "order":
        return order_name
    if entry.source == "referral":
        code = "referral_takeback" if entry.kind == "takeback" else "referral_reward"
        return worded(coded_reason(code, order_name) if order_name else coded_reason(f"{code}_friend"), language)
    if entry.source == "import":
        return worded(coded_reason("opening_balance"), language)
    return worded(ACTOR.sub("", entry.reason), language) if entry.reason else None


def _item(entry: LedgerEntry, order_name: str | None, currency: str, locale: str) -> dict[str, Any]:
    return {
        **HISTORY_ENTRY.dump(entry),
        "amount": entry.amount,  # points, or cashback in minor units: the widget formats it itself
        "display": signed_display(entry.account, entry.amount, currency, locale),
        "description": describe_entry(entry, order_name, locale),
    }


def history_of(session: Session, shop: Shop, platform_customer_id: str, page: int, page_size: int) -> dict[str, Any]:
    """The `history` answer: only this shopper's entries at this shop."""
    page, page_size = max(1, page), min(max(1, page_size), MAX_PAGE_SIZE)
    answer: dict[str, Any] = {"items": [], "page": page, "page_size": page_size, "has_more": False}
    member = find_member(session, shop.id, platform_customer_id)
    if member is None:
        return answer
    query = (
        select(LedgerEntry, func.coalesce(Order.name, Referral.friend_first_name))
        .outerjoin(
            Order,
            (Order.shop_id == LedgerEntry.shop_id)
            & (LedgerEntry.source == "order")
            & (Order.platform_order_id == LedgerEntry.source_id),
        )
        .outerjoin(
            Referral,
            (Referral.shop_id == LedgerEntry.shop_id)
            & (LedgerEntry.source == "referral")
            & (Referral.platform_order_id == LedgerEntry.source_id),
        )
        .where(LedgerEntry.shop_id == shop.id, LedgerEntry.member_id == member.id)
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size + 1)  # one more tells whether there is a next page
    )
    rows = session.execute(query).all()
    locale = locale_of(shop)
    answer["items"] = [_item(entry, name, shop.currency, locale) for entry, name in rows[:page_size]]
    answer["has_more"] = len(rows) > page_size
    return answer

"""How the members pages show a member, a ledger entry and a coupon: labels in the merchant's
language, amounts and dates by local habit (the rows of integrator/admin/members.py's pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l
from marshmallow import post_dump

from integrator.admin.i18n import page_language
from integrator.admin.ledger_words import reason_words, source_label
from integrator.loyalty.models import Coupon, LedgerEntry, Member, Shop
from integrator.loyalty.money import display, parse_amount, to_minor
from integrator.loyalty.shapes import CouponSchema

KINDS = {
    "earn": _l("Earned"),
    "vest": _l("Became available"),
    "takeback": _l("Taken back"),
    "settle": _l("Settled"),
    "adjust": _l("Adjustment"),
    "redeem": _l("Redeemed"),
    "refund": _l("Given back"),
    "expire": _l("Expired"),
    "transfer": _l("Store credit"),
    "import": _l("Imported"),
}
STATES = {"available": _l("available"), "pending": _l("pending"), "debt": _l("owed")}
COUPON_STATUSES = {"pending": _l("being made"), "active": _l("active"), "failed": _l("failed")}
COUPON_KINDS = {"unboxing": _l("Unboxing"), "reward": _l("Reward"), "cashback": _l("Cashback")}


def locale_of_page(shop: Shop) -> str:
    return page_language(shop.language)


def member_row(member: Member, shop: Shop, last_order_at: datetime | None = None) -> dict[str, Any]:
    name = " ".join(part for part in (member.first_name, member.last_name) if part)
    return {
        "id": member.id,
        "name": name,
        "email": member.email,
        "platform_customer_id": member.platform_customer_id,
        "points_available": format_decimal(member.points_available),
        "cashback_available": display(member.cashback_available, shop.currency, locale_of_page(shop)),
        "last_order": format_date(last_order_at, "medium") if last_order_at else None,
        "tier": member.tier.name if member.tier is not None else None,
    }


def member_view(member: Member, shop: Shop) -> dict[str, Any]:
    money, locale = shop.currency, locale_of_page(shop)
    return {
        **member_row(member, shop),
        "erased": member.erased_at is not None,
        "points_pending": format_decimal(member.points_pending),
        "points_owed": format_decimal(member.points_debt),
        "lifetime_points": format_decimal(member.lifetime_points),
        "cashback_pending": display(member.cashback_pending, money, locale),
        "cashback_owed": display(member.cashback_debt, money, locale),
        "created_at": format_datetime(member.created_at, "medium"),
    }


def signed_display(amount: int, account: str, shop: Shop) -> str:
    """+181 / -50 points, +Rp 3.620 / -Rp 3.620 cashback: as the widget's history shows them."""
    sign = "-" if amount < 0 else "+"
    if account == "points":
        return f"{sign}{abs(amount)}"
    return f"{sign}{display(abs(amount), shop.currency, locale_of_page(shop))}"


def entry_row(entry: LedgerEntry, shop: Shop) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created_at": format_datetime(entry.created_at, "medium"),
        "account": entry.account,
        "kind": KINDS.get(entry.kind, entry.kind),
        "state": STATES.get(entry.state, entry.state),
        "amount": signed_display(entry.amount, entry.account, shop),
        "source": source_label(entry.source),
        "source_id": entry.source_id,
        "reason": reason_words(entry.reason),
    }


def when(moment: datetime | None) -> str | None:
    return format_datetime(moment, "medium") if moment else None


class CouponOnPage(CouponSchema):
    """The merchant API's coupon (a subset of its fields) as the member page shows it: labels in
    the merchant's language, the value with its % or currency, dates by local habit."""

    def __init__(self, shop: Shop) -> None:
        super().__init__(only=("code", "kind", "status", "value", "expires_at", "created_at"))
        self.shop = shop

    @post_dump(pass_original=True)
    def _localized(self, data: dict[str, Any], coupon: Coupon, **_: Any) -> dict[str, Any]:
        kind, status = data["kind"], data["status"]
        return {
            **data,
            "kind": str(COUPON_KINDS.get(kind, kind)),
            "status": str(COUPON_STATUSES.get(status, status)),
            "value": self._value(coupon),
            "expires_at": when(coupon.expires_at),
            "created_at": when(coupon.created_at),
        }

    def _value(self, coupon: Coupon) -> str:
        if coupon.value_type == "percentage":
            return f"{coupon.value}%"
        if coupon.value_type == "fixed_amount":
            money = self.shop.currency
            return display(to_minor(parse_amount(coupon.value), money), money, locale_of_page(self.shop))
        return str(_l("free shipping"))

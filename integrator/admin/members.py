"""The members pages: search, a member's balances, ledger and coupons, and the manual adjustment.
CSV export and import of opening balances are in integrator/admin/member_files.py."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import abort, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, post_dump, validate

from integrator import jobs
from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.admin.i18n import language_of
from integrator.admin.ledger_words import reason_words, source_label
from integrator.loyalty.coupons import coupons_of
from integrator.loyalty.errors import IdempotencyConflict, InsufficientPoints
from integrator.loyalty.input_fields import PlainText, WholeNumber
from integrator.loyalty.members import adjust_points, find_members, get_member, ledger_of
from integrator.loyalty.models import Coupon, LedgerEntry, Member, Shop
from integrator.loyalty.money import display, integer_from_text, parse_amount, to_minor
from integrator.loyalty.shapes import CouponSchema
from integrator.services import services

PAGE_SIZE = 50
MAX_ID = 2**63 - 1  # a bigger id in the URL names nothing (and would overflow PostgreSQL's bigint)
LEDGER_PAGE_SIZE = 25

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


class AdjustmentForm(Schema):
    """The adjustment form; the same bounds as the API's adjustments."""

    class Meta:
        unknown = EXCLUDE  # csrf_token

    points = WholeNumber(
        required=True,
        validate=[validate.Range(min=-1_000_000_000, max=1_000_000_000), validate.NoneOf([0])],
    )
    reason = PlainText(required=True, validate=validate.Length(min=1, max=400))
    idempotency_key = PlainText(required=True, validate=validate.Length(min=1, max=150))


FORM_ERRORS = {
    "points": _l("Enter a whole number of points other than 0, for example 50 or -20."),
    "reason": _l("Say why (1 to 400 characters)."),
    "idempotency_key": _l("This form has expired: open the page again."),
}


def finished(merchant: Merchant, location: str) -> ResponseReturnValue:
    """After a change: a redirect (303) for a form post; inside the Shopify admin members.js sends the
    form with fetch and the session token, and goes to `location` itself with a fresh token."""
    if merchant.embedded and request.accept_mimetypes.best == "application/json":
        return jsonify({"location": location})
    return redirect(location, code=303)


def _page_number(name: str = "page") -> int:
    value = request.args.get(name, "1")
    # isascii: str.isdigit() also takes "١" (Arabic-Indic one), which int() reads.
    return min(int(value), 100_000) if value.isascii() and value.isdigit() and int(value) > 0 else 1


def _adjusted_points(text: str) -> int | bool:
    """The `adjusted` query parameter of the redirect after an adjustment; False when absent or not
    a whole number ("--5" or "١" in a hand-made URL)."""
    try:
        return integer_from_text(text)
    except ValueError:
        return False


def _locale(shop: Shop) -> str:
    return language_of(shop.language)


@bp.get("/members")
@merchant_page
def members_page(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    text = request.args.get("q", "")[:320].replace("\x00", "")  # PostgreSQL text holds no NUL
    page = _page_number()
    with services().db.session() as session:
        found = find_members(session, shop.id, text, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
        rows = [_member_row(member, shop) for member in found[:PAGE_SIZE]]
    return render_page(
        "admin/members.html", merchant, shop, q=text, rows=rows, page=page, has_more=len(found) > PAGE_SIZE
    )


def _member_row(member: Member, shop: Shop) -> dict[str, Any]:
    name = " ".join(part for part in (member.first_name, member.last_name) if part)
    return {
        "id": member.id,
        "name": name,
        "email": member.email,
        "platform_customer_id": member.platform_customer_id,
        "points_available": member.points_available,
        "cashback_available": display(member.cashback_available, shop.currency, _locale(shop)),
    }


@bp.get("/members/<int:member_id>")
@merchant_page
def member_page(merchant: Merchant, shop: Shop, member_id: int) -> ResponseReturnValue:
    return _render_member(merchant, shop, member_id, form={}, errors={}, status=200)


def _render_member(
    merchant: Merchant, shop: Shop, member_id: int, form: dict[str, Any], errors: dict[str, str], status: int
) -> ResponseReturnValue:
    page = _page_number()
    if member_id > MAX_ID:
        abort(404)
    with services().db.session() as session:
        member = get_member(session, shop.id, member_id)  # NotFound: the 404 page
        entries = ledger_of(session, member, page, LEDGER_PAGE_SIZE)
        older = ledger_of(session, member, page * LEDGER_PAGE_SIZE + 1, 1)  # the entry after this page
        coupons = coupons_of(session, member)
        context = {
            "member": _member_view(member, shop),
            "entries": [_entry_row(entry, shop) for entry in entries],
            "has_more": bool(older),
            "coupons": CouponOnPage(shop).dump(coupons, many=True),
        }
    form = {"idempotency_key": secrets.token_urlsafe(18), **form}
    adjusted = request.args.get("adjusted", "")
    return (
        render_page(
            "admin/members_detail.html",
            merchant,
            shop,
            page=page,
            form=form,
            errors=errors,
            adjusted=_adjusted_points(adjusted),
            **context,
        ),
        status,
    )


def _member_view(member: Member, shop: Shop) -> dict[str, Any]:
    money, locale = shop.currency, _locale(shop)
    return {
        **_member_row(member, shop),
        "erased": member.erased_at is not None,
        "points_pending": member.points_pending,
        "points_owed": member.points_debt,
        "lifetime_points": member.lifetime_points,
        "cashback_pending": display(member.cashback_pending, money, locale),
        "cashback_owed": display(member.cashback_debt, money, locale),
        "created_at": format_datetime(member.created_at, "medium"),
    }


def signed_display(amount: int, account: str, shop: Shop) -> str:
    """+181 / -50 points, +Rp 3.620 / -Rp 3.620 cashback: as the widget's history shows them."""
    sign = "-" if amount < 0 else "+"
    if account == "points":
        return f"{sign}{abs(amount)}"
    return f"{sign}{display(abs(amount), shop.currency, _locale(shop))}"


def _entry_row(entry: LedgerEntry, shop: Shop) -> dict[str, Any]:
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


def _when(moment: datetime | None) -> str | None:
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
            "expires_at": _when(coupon.expires_at),
            "created_at": _when(coupon.created_at),
        }

    def _value(self, coupon: Coupon) -> str:
        if coupon.value_type == "percentage":
            return f"{coupon.value}%"
        if coupon.value_type == "fixed_amount":
            money = self.shop.currency
            return display(to_minor(parse_amount(coupon.value), money), money, _locale(self.shop))
        return str(_l("free shipping"))


@bp.post("/members/<int:member_id>/adjustments")
@merchant_action
def adjust_member(merchant: Merchant, shop: Shop, member_id: int) -> ResponseReturnValue:
    """The adjustment form: points added or taken with a reason; the form's idempotency key makes a
    double submit adjust once. Errors are shown next to their fields (422), nothing changed."""
    form = {name: request.form.get(name, "") for name in ("points", "reason", "idempotency_key")}
    try:
        data = AdjustmentForm().load(request.form)
    except ValidationError as exc:
        errors = {name: str(FORM_ERRORS[name]) for name in exc.messages if name in FORM_ERRORS}
        return _render_member(merchant, shop, member_id, form, errors, 422)

    if member_id > MAX_ID:
        abort(404)

    def work(session: Any) -> int:
        member = get_member(session, shop.id, member_id)
        entry, _created = adjust_points(
            session, member, data["points"], data["reason"], data["idempotency_key"], merchant.actor
        )
        return entry.id

    try:
        entry_id = jobs.in_transaction(work)  # NotFound: the 404 page (integrator/http_errors.py)
    except InsufficientPoints:
        errors = {"points": str(_l("The member does not have that many points available."))}
        return _render_member(merchant, shop, member_id, form, errors, 422)
    except IdempotencyConflict:
        return _render_member(
            merchant, shop, member_id, {}, {"idempotency_key": str(FORM_ERRORS["idempotency_key"])}, 409
        )
    return finished(merchant, url_for("admin.member_page", member_id=member_id, adjusted=entry_id))

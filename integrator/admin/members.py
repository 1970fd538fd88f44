"""The members pages: search, a member's balances, ledger and coupons, and the manual adjustment.
CSV export and import of opening balances are in integrator/admin/member_files.py."""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, validate

from integrator import jobs
from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.admin.member_notices import member_notices
from integrator.admin.member_rows import (
    CouponOnPage,
    entry_row,
    member_row,
    member_view,
)
from integrator.loyalty.coupons import coupons_of
from integrator.loyalty.errors import IdempotencyConflict, InsufficientPoints
from integrator.loyalty.input_fields import PlainText, WholeNumber
from integrator.loyalty.member_search import LAST_ORDER_FILTERS, SORTS, MemberFilter, count, search
from integrator.loyalty.members import adjust_points, get_member, ledger_of
from integrator.loyalty.models import Shop
from integrator.loyalty.money import integer_from_text
from integrator.loyalty.tier_status import tiers_of
from integrator.services import services

PAGE_SIZE = 50
MAX_ID = 2**63 - 1  # a bigger id in the URL names nothing (and would overflow PostgreSQL's bigint)
LEDGER_PAGE_SIZE = 25

SORT_LABELS = {
    "newest": _l("Newest members"),
    "points": _l("Most points"),
    "cashback": _l("Most cashback"),
    "last_order": _l("Latest order"),
    "name": _l("Name"),
}
LAST_ORDER_LABELS = {
    "": _l("Any time"),
    "30": _l("In the last 30 days"),
    "90": _l("In the last 90 days"),
    "over90": _l("Not in the last 90 days"),
    "never": _l("Never"),
}


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
# Why an adjustment was refused (the `refused` query parameter of the redirect), and the field each
# message sits next to.
REFUSALS = {**FORM_ERRORS, "insufficient": _l("The member does not have that many points available.")}
REFUSAL_FIELDS = {
    "points": "points",
    "reason": "reason",
    "idempotency_key": "idempotency_key",
    "insufficient": "points",
}
MAX_CARRIED = 500  # what was typed, carried back in the URL: a longer reason is refused anyway


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


def _list_filter() -> MemberFilter:
    """The list's search, filters and order from the URL; what is not understood is left out."""
    min_points = request.args.get("min_points", "").strip()[:13]  # int() refuses 4,300+ digits
    sort, last_order = request.args.get("sort", ""), request.args.get("last_order", "")
    return MemberFilter(
        text=request.args.get("q", "")[:320].replace("\x00", ""),  # PostgreSQL text holds no NUL
        sort=sort if sort in SORTS else "newest",
        min_points=min(int(min_points), 10**12) if min_points.isascii() and min_points.isdigit() else None,
        last_order=last_order if last_order in LAST_ORDER_FILTERS else "",
        tier=request.args.get("tier", "").strip()[:20],
    )


@bp.get("/members")
@merchant_page
def members_page(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    how = _list_filter()
    page = _page_number()
    with services().db.session() as session:
        found = search(session, shop.id, how, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
        total = count(session, shop.id, how)
        rows = [member_row(row.member, shop, row.last_order_at) for row in found[:PAGE_SIZE]]
        tiers = [(str(tier.id), tier.name) for tier in tiers_of(session, shop.id)]
    query: dict[str, Any] = {
        "q": how.text or None,
        "sort": how.sort if how.sort != "newest" else None,
        "last_order": how.last_order or None,
        "min_points": how.min_points,
        "tier": how.tier or None,
    }
    return render_page(
        "admin/members.html",
        merchant,
        shop,
        q=how.text,
        how=how,
        query=query,
        total=total,
        total_label=format_decimal(total),
        rows=rows,
        page=page,
        has_more=len(found) > PAGE_SIZE,
        sorts=SORT_LABELS,
        last_orders=LAST_ORDER_LABELS,
        tiers=tiers,
    )


@bp.get("/members/<int:member_id>")
@merchant_page
def member_page(merchant: Merchant, shop: Shop, member_id: int) -> ResponseReturnValue:
    """The member; after a refused adjustment (see `_refused`) the form again, with what was typed
    and the errors next to their fields."""
    codes = request.args.get("refused", "").split(",")
    errors = {REFUSAL_FIELDS[code]: str(REFUSALS[code]) for code in codes if code in REFUSALS}
    form = {name: request.args.get(name, "")[:MAX_CARRIED] for name in ("points", "reason")} if errors else {}
    return _render_member(merchant, shop, member_id, form=form, errors=errors, status=200)


def _refused(merchant: Merchant, member_id: int, form: dict[str, str], codes: list[str]) -> ResponseReturnValue:
    """A refused adjustment is redirected (post/redirect/get) to the member page, which shows the
    form again from the URL: a reload or Back never lands on the POST-only adjustments URL (405)."""
    typed: dict[str, Any] = {name: form.get(name, "")[:MAX_CARRIED] or None for name in ("points", "reason")}
    location = url_for("admin.member_page", member_id=member_id, refused=",".join(codes), **typed)
    return finished(merchant, location + "#adjustment-form")


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
            "member": member_view(member, shop),
            "entries": [entry_row(entry, shop) for entry in entries],
            "has_more": bool(older),
            "coupons": CouponOnPage(shop).dump(coupons, many=True),
            **member_notices(session, shop, member),
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


@bp.post("/members/<int:member_id>/adjustments")
@merchant_action
def adjust_member(merchant: Merchant, shop: Shop, member_id: int) -> ResponseReturnValue:
    """The adjustment form: points added or taken with a reason; the form's idempotency key makes a
    double submit adjust once. A refusal changes nothing and shows the errors next to their fields."""
    form = {name: request.form.get(name, "") for name in ("points", "reason", "idempotency_key")}
    try:
        data = AdjustmentForm().load(request.form)
    except ValidationError as exc:
        return _refused(merchant, member_id, form, [name for name in FORM_ERRORS if name in exc.messages])

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
        return _refused(merchant, member_id, form, ["insufficient"])
    except IdempotencyConflict:
        return _refused(merchant, member_id, {}, ["idempotency_key"])
    return finished(merchant, url_for("admin.member_page", member_id=member_id, adjusted=entry_id))

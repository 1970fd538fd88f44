"""CSV files on the members pages: the members and ledger exports (streamed), and the import of
opening balances (upload → dry-run report → apply). Formats: docs/csv.md."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, abort, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from integrator import jobs
from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_action, merchant_page, render_page
from integrator.admin.member_rows import signed_display
from integrator.admin.members import MAX_ID, finished
from integrator.loyalty import exports, imports, store_credit
from integrator.loyalty.models import Shop, utcnow
from integrator.loyalty.opening_balances import apply_import, check_import, get_import, imports_of
from integrator.platform_registry import store_credit_supported
from integrator.services import services

FILE_ERRORS = {
    "too_large": _l("The file is too big: at most %(max_bytes)s bytes. Split it into several files."),
    "too_many_rows": _l("The file has %(rows)s rows: at most %(max_rows)s. Split it into several files."),
    "not_utf8": _l("The file is not UTF-8 text: save it as “CSV UTF-8”."),
    "nul_character": _l("The file contains NUL characters: it is not a CSV text file."),
    "bad_csv": _l("The file is not a readable CSV file."),
    "no_header": _l("The first row must name the columns."),
    "no_rows": _l("The file has no rows after the header."),
    "unknown_columns": _l("Unknown columns: %(columns)s. Rename or remove them."),
    "missing_columns": _l("Missing columns: %(columns)s."),
    "repeated_columns": _l("Columns named twice: %(columns)s."),
    "no_file": _l("Choose a CSV file."),
}
ROW_ERRORS = {
    "required": _l("is required"),
    "not_whole_number": _l("must be a whole number (no decimals, no thousands separators)"),
    "negative": _l("must not be negative"),
    "too_big": _l("is too big"),
    "not_amount": _l("must be an amount with a decimal point, e.g. 3.50"),
    "too_many_decimals": _l("has more decimals than the currency (%(detail)s)"),
    "too_long": _l("is too long (at most %(detail)s characters)"),
    "not_email": _l("is not an email address"),
    "extra_cells": _l("the row has %(detail)s more cells than the header"),
    "duplicate": _l("is also on row %(detail)s: none of these rows is imported"),
    "imported_before": _l("was already imported for this member with %(detail)s: adjust by hand instead"),
}
STATUSES = {
    "new_member": _l("new member"),
    "added": _l("added"),
    "unchanged": _l("already imported, nothing to do"),
    "rejected": _l("not imported"),
}


def _download(chunks: Iterator[str], name: str, shop: Shop) -> Response:
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{shop.id}-{stamp}.csv"'
    return response


def _streamed(shop: Shop, export: Any) -> Iterator[str]:
    """The export's text, read in its own transaction while the response is sent."""
    with services().db.session() as session:
        yield from export(session, shop)


@bp.get("/members/export.csv")
@merchant_page
def export_members(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    return _download(_streamed(shop, exports.member_csv), "members", shop)


@bp.get("/members/ledger.csv")
@merchant_page
def export_ledger(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    return _download(_streamed(shop, exports.ledger_csv), "ledger", shop)


@bp.get("/members/import")
@merchant_page
def import_page(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    return _render_upload(merchant, shop, None, 200)


def _render_upload(merchant: Merchant, shop: Shop, error: str | None, status: int) -> ResponseReturnValue:
    with services().db.session() as session:
        recent = [
            {
                "id": record.id,
                "filename": record.filename,
                "status": record.status,
                "rows": record.summary.get("rows", 0),
                "created_at": format_datetime(record.created_at, "medium"),
            }
            for record in imports_of(session, shop.id)
        ]
    limits = {"max_bytes": imports.MAX_BYTES, "max_rows": imports.MAX_ROWS}
    return render_page("admin/import.html", merchant, shop, error=error, recent=recent, limits=limits), status


def _file_error(code: str, details: Any) -> str:
    params = {key: ", ".join(value) if isinstance(value, list) else value for key, value in (details or {}).items()}
    return str(FILE_ERRORS[code]) % params


@bp.post("/members/import")
def upload_import() -> ResponseReturnValue:
    """The upload: the file is checked and stored with its dry-run report; nothing else changes."""
    # A bigger body is refused before it is read (413), with the reason on the page.
    request.max_content_length = imports.MAX_BYTES + 64 * 1024
    try:
        request.form  # noqa: B018 (parse the body now, under the limit)
    except RequestEntityTooLarge:
        return _too_large()
    return _check_upload()


@merchant_action
def _check_upload(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render_upload(merchant, shop, _file_error("no_file", None), 422)
    content = upload.read(imports.MAX_BYTES + 1)
    try:
        record = jobs.in_transaction(
            lambda session: check_import(session, shop, upload.filename or "", content, merchant.actor).id
        )
    except imports.ImportRefused as exc:
        status = 413 if exc.code == "too_large" else 422
        return _render_upload(merchant, shop, _file_error(exc.code, exc.details), status)
    return finished(merchant, url_for("admin.import_report", import_id=record))


@merchant_page
def _too_large(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    return _render_upload(merchant, shop, _file_error("too_large", {"max_bytes": imports.MAX_BYTES}), 413)


@bp.get("/members/imports/<int:import_id>")
@merchant_page
def import_report(merchant: Merchant, shop: Shop, import_id: int) -> ResponseReturnValue:
    if import_id > MAX_ID:
        abort(404)
    with services().db.session() as session:
        record = get_import(session, shop.id, import_id)  # NotFound: the 404 page
        rows = [_report_row(row, shop) for row in record.report]
        summary = dict(record.summary)
    summary["points_display"] = signed_display(summary.get("points", 0), "points", shop)
    summary["cashback_display"] = signed_display(summary.get("cashback", 0), "cashback", shop)
    return render_page(
        "admin/import_report.html", merchant, shop, record=record, rows=rows, summary=summary, statuses=STATUSES
    )


def _report_row(row: dict[str, Any], shop: Shop) -> dict[str, Any]:
    problems = [
        {"column": column, "message": str(ROW_ERRORS.get(code, code)) % {"detail": detail}}
        for column, code, detail in row.get("problems", [])
    ]
    return {
        "row": row["row"],
        "platform_customer_id": row["platform_customer_id"],
        "status": row["status"],
        "status_label": STATUSES.get(row["status"], row["status"]),
        "points": signed_display(row["points"], "points", shop) if row["points"] else "",
        "cashback": signed_display(row["cashback"], "cashback", shop) if row["cashback"] else "",
        "problems": problems,
    }


@bp.post("/members/imports/<int:import_id>/apply")
@merchant_action
def apply_member_import(merchant: Merchant, shop: Shop, import_id: int) -> ResponseReturnValue:
    """Apply a checked import (again: nothing happens twice)."""
    if import_id > MAX_ID:
        abort(404)
    with services().db.session() as session:
        get_import(session, shop.id, import_id)  # NotFound: the 404 page
    outcomes = apply_import(jobs.in_transaction, shop, import_id, merchant.actor)
    if store_credit.enabled(
        shop, store_credit_supported(shop)
    ):  # imported cashback moves to Shopify store credit like earned cashback
        for outcome in outcomes:
            if outcome.cashback > 0 and outcome.member_id is not None:
                jobs.enqueue(jobs.transfer_cashback, shop.id, outcome.member_id)
    return finished(merchant, url_for("admin.import_report", import_id=import_id))

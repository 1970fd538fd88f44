"""The analytics dashboard (/admin/analytics) and its CSV export of the daily series: a date range
validated by a schema, one domain call (analytics_report.build_report) on the pre-aggregated days,
numbers formatted for the shop's language; each chart an SVG drawn by pygal at its own signed URL
(analytics_charts), shown by the page with <img>."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import abort, current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

from integrator.admin import bp
from integrator.admin.access import Merchant, merchant_page, render_page
from integrator.admin.analytics_charts import CHART_MAX_AGE, ChartRefused, line_chart_svg, read_range, sign_range
from integrator.admin.i18n import page_language, use_shop_language
from integrator.loyalty.analytics_report import (
    CSV_COLUMNS,
    MAX_RANGE_DAYS,
    MONEY_COLUMNS,
    Report,
    average,
    build_report,
    liability_minor,
    ratio,
    segments_of,
)
from integrator.loyalty.models import Shop
from integrator.loyalty.money import display, format_minor_string, from_minor, to_minor
from integrator.services import services

DEFAULT_DAYS = 30
SEGMENT_NAMES = {
    "champions": _l("Champions"),
    "loyal": _l("Loyal"),
    "new": _l("New"),
    "needs_attention": _l("Need attention"),
    "at_risk": _l("At risk"),
    "lost": _l("Lost"),
}


class RangeSchema(Schema):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (both optional: the last 30 days up to today, UTC)."""

    class Meta:
        unknown = EXCLUDE

    first = fields.Date(data_key="from", load_default=None)
    last = fields.Date(data_key="to", load_default=None)

    @validates_schema
    def _order(self, data: dict[str, Any], **_: Any) -> None:
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            raise ValidationError(str(_l("The start must not be after the end.")), "from")
        if first and last and (last - first).days >= MAX_RANGE_DAYS:
            raise ValidationError(str(_l("Choose at most %(days)d days.", days=MAX_RANGE_DAYS)), "to")


def _today() -> date:
    return datetime.now(UTC).date()


def parse_range(args: Any) -> tuple[date, date, dict[str, list[str]]]:
    """The range asked for, or the default range and the errors by field ("from", "to")."""
    default_last = _today()
    try:
        data = RangeSchema().load({key: args[key] for key in ("from", "to") if args.get(key)})
    except ValidationError as exc:
        errors = {key: [str(message) for message in value] for key, value in exc.normalized_messages().items()}
        return default_last - timedelta(days=DEFAULT_DAYS - 1), default_last, errors
    last = data["last"] or (data["first"] + timedelta(days=DEFAULT_DAYS - 1) if data["first"] else default_last)
    first = data["first"] or last - timedelta(days=DEFAULT_DAYS - 1)
    return first, last, {}


def _report(shop: Shop, first: date, last: date) -> Report:
    with services().db.session() as session:
        return build_report(session, shop, first, last)


class Formats:
    """Numbers as the shop's language writes them; money as the rest of Setia (money.display)."""

    def __init__(self, shop: Shop) -> None:
        self.currency = shop.currency
        self.locale = page_language(shop.language)

    def money(self, minor: int | None) -> str:
        return "—" if minor is None else display(minor, self.currency, self.locale)

    def money_per_point(self, value: Decimal) -> str:
        minor = to_minor(value, self.currency)
        if from_minor(minor, self.currency) == value:
            return self.money(minor)
        return f"{format_decimal(value, format='#,##0.####')} {self.currency}"

    def number(self, value: int | None) -> str:
        return "—" if value is None else format_decimal(value)

    def percent(self, value: Decimal | None) -> str:
        return "—" if value is None else f"{format_decimal(value, format='#,##0.0')} %"

    def day(self, value: date) -> str:
        return format_date(value, "medium")

    def short_day(self, value: date) -> str:
        return format_date(value, "d MMM")


CHARTS: dict[str, tuple[Any, tuple[tuple[str, Any], ...]]] = {
    "revenue": (_l("Revenue per day"), (("member_revenue", _l("Members")), ("guest_revenue", _l("Non-members")))),
    "points": (
        _l("Points per day"),
        (("points_issued", _l("Issued")), ("points_redeemed", _l("Redeemed")), ("points_expired", _l("Expired"))),
    ),
    "members": (_l("New members per day"), (("members_enrolled", _l("New members")),)),
}
MONEY_CHARTS = ("revenue",)


def _chart_urls(shop: Shop, first: date, last: date) -> list[dict[str, str]]:
    """The page's <img> of each chart: a URL signed for this shop and range (an image request carries no
    session token inside the Shopify admin)."""
    sig = sign_range(services().config.secret_key, shop.id, first, last)
    query: dict[str, Any] = {"from": first.isoformat(), "to": last.isoformat(), "sig": sig}
    return [
        {"key": name, "title": str(title), "url": url_for("admin.analytics_chart", name=name, **query)}
        for name, (title, _) in CHARTS.items()
    ]


def _figures(report: Report) -> dict[str, Any]:
    """The numbers of the page, as numbers (formatted by the template through `fmt`)."""
    totals, snapshot = report.totals, report.snapshot or {}
    return {
        "enrollment_rate": ratio(totals["member_orders"], report.orders),
        "redemption_rate": ratio(totals["points_redeemed"], totals["points_issued"]),
        "points_value": liability_minor(report.points_outstanding, report.point_value, report.currency),
        "member_aov": average(totals["member_revenue"], totals["member_orders"]),
        "guest_aov": average(totals["guest_revenue"], totals["guest_orders"]),
        "repeat_rate": ratio(int(snapshot.get("repeaters", 0)), int(snapshot.get("buyers", 0))),
        "program_revenue": totals["reward_revenue"] + totals["unboxing_revenue"],
        "program_share": ratio(totals["reward_revenue"] + totals["unboxing_revenue"], report.revenue),
        "segments": segments_of(report.snapshot),
    }


@bp.get("/analytics")
@merchant_page
def analytics_page(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    first, last, errors = parse_range(request.args)
    report = _report(shop, first, last)
    fmt = Formats(shop)
    body = render_page(
        "admin/analytics.html",
        merchant,
        shop,
        report=report,
        figures=_figures(report),
        charts=_chart_urls(shop, first, last),
        fmt=fmt,
        errors=errors,
        asked={key: request.args.get(key, "") for key in ("from", "to")},
        segment_names=SEGMENT_NAMES,
        when=lambda moment: format_datetime(moment, "medium") if moment else "—",
    )
    return body, 400 if errors else 200


def daily_csv(report: Report) -> str:
    """One row per day of the range: counts as integers, money as decimal strings of the currency."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for index, day in enumerate(report.series.days):
        row: list[str] = [day.isoformat()]
        for name in CSV_COLUMNS[1:]:
            value = report.series.values[name][index]
            row.append(format_minor_string(value, report.currency) if name in MONEY_COLUMNS else str(value))
        writer.writerow(row)
    return out.getvalue()


@bp.get("/analytics.csv")
@merchant_page
def analytics_csv(merchant: Merchant, shop: Shop) -> ResponseReturnValue:
    first, last, errors = parse_range(request.args)
    if errors:
        message = "; ".join(f"{key}: {' '.join(value)}" for key, value in errors.items())
        return message, 400, {"Content-Type": "text/plain; charset=utf-8"}
    name = f"setia-analytics-{first.isoformat()}-{last.isoformat()}.csv"
    headers = {"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"'}
    return daily_csv(_report(shop, first, last)), 200, headers


@bp.get("/analytics/charts/<name>.svg")
def analytics_chart(name: str) -> ResponseReturnValue:
    """One chart of the dashboard, for the shop and range its `sig` names (the signature is the only
    credential: an <img> inside the Shopify admin sends no session token and no cookie)."""
    if name not in CHARTS:
        abort(404)
    try:
        signed = read_range(services().config.secret_key, request.args.get("sig", ""))
    except ChartRefused as exc:
        current_app.logger.info("chart %s refused: %s", name, exc)
        abort(403)
    if (request.args.get("from"), request.args.get("to")) != (signed.first.isoformat(), signed.last.isoformat()):
        abort(403)
    with services().db.session() as session:
        shop = session.get(Shop, signed.shop_id)
        if shop is None:
            abort(404)
        session.expunge(shop)
    use_shop_language(shop.language)
    fmt, report = Formats(shop), _report(shop, signed.first, signed.last)
    title, lines = CHARTS[name]
    series = [(str(label), report.series.values[column]) for column, label in lines]
    svg = line_chart_svg(
        str(title), report.series.days, series, fmt.money if name in MONEY_CHARTS else fmt.number, fmt.short_day
    )
    headers = {
        "Content-Type": "image/svg+xml; charset=utf-8",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "Cache-Control": f"private, max-age={CHART_MAX_AGE}",
    }
    return svg, 200, headers

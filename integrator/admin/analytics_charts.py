"""Charts over time for the dashboard, drawn by pygal as standalone SVG documents that the page shows
with <img> (the page's Content-Security-Policy forbids the inline style pygal's SVG carries; an SVG
shown as an image gets its own policy and never runs a script).

An <img> request inside the Shopify admin carries no session token and no cookie, so the page signs
every chart URL: a timestamped token naming the shop and the range, valid for CHART_MAX_AGE seconds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from math import ceil, sqrt

import pygal
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pygal.style import Style
from pygal.util import text_len

CHART_SALT = "setia-analytics-chart"
CHART_MAX_AGE = 10 * 60
WIDTH, HEIGHT = 640, 260
X_LABELS = 6  # at most this many day labels under a chart, whatever the range
# pygal sizes a chart's margins from its own y labels and legend, so charts with longer amounts or
# more lines would have narrower, shorter plots. Every chart gets the same plot box instead: the
# y axis at PLOT_LEFT px (room for labels of LONGEST_Y_LABEL characters) and room for MAX_LINES
# lines' legend, so the dashboard's charts line up day for day.
LONGEST_Y_LABEL = 16
MAX_LINES = 4
SPACING, MARGIN, FONT_SIZE, LEGEND_FONT_SIZE, LEGEND_BOX = 10, 20, 11, 12, 12
PLOT_LEFT = MARGIN + SPACING + text_len(LONGEST_Y_LABEL, FONT_SIZE)
COLORS = ("#005bd3", "#c05717", "#0f766e", "#8a2be2")
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#616161",
    foreground_strong="#1a1a1a",
    foreground_subtle="#e3e3e3",
    colors=COLORS,
    font_family='system-ui, -apple-system, "Segoe UI", sans-serif',
    label_font_size=FONT_SIZE,
    major_label_font_size=FONT_SIZE,
    legend_font_size=LEGEND_FONT_SIZE,
    title_font_size=14,
    guide_stroke_color="#e3e3e3",
    major_guide_stroke_color="#e3e3e3",
    guide_stroke_dasharray="none",
    major_guide_stroke_dasharray="none",
    stroke_width="2",
    stroke_width_hover="2",
    opacity="1",
    opacity_hover="1",
)


class ChartRefused(Exception):
    """The chart URL's signature is forged or expired."""


@dataclass(frozen=True)
class ChartRange:
    shop_id: int
    first: date
    last: date


def _signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=CHART_SALT)


def sign_range(secret_key: str, shop_id: int, first: date, last: date) -> str:
    """The `sig` of a chart URL of this shop and range."""
    return _signer(secret_key).dumps({"shop": shop_id, "from": first.isoformat(), "to": last.isoformat()})


def read_range(secret_key: str, token: str, max_age: int = CHART_MAX_AGE) -> ChartRange:
    """The shop and range a chart URL's `sig` names; ChartRefused if forged, altered or expired."""
    try:
        data = _signer(secret_key).loads(token, max_age=max_age)
        return ChartRange(int(data["shop"]), date.fromisoformat(data["from"]), date.fromisoformat(data["to"]))
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ChartRefused(str(exc)) from exc


def nice_step(maximum: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 × 10^k) so that `ticks` steps cover `maximum`."""
    if maximum <= 0:
        return 1
    raw = Decimal(maximum) / ticks
    magnitude = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal(1)
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= raw:
            return int(magnitude * factor)
    return int(magnitude * 10)


def _y_labels(series: Sequence[tuple[str, Sequence[int]]]) -> list[int]:
    """Whole, round ticks from 0 (money in minor units, counts): never a fraction of a cent or a member."""
    maximum = max((max(values, default=0) for _, values in series), default=0)
    step = nice_step(maximum)
    return list(range(0, step * max(1, -(-maximum // step)) + 1, step))


def _legend_height(lines: int) -> float:
    """The legend's height as pygal computes it (Graph._compute_margin, legend at the bottom)."""
    box = max(LEGEND_FONT_SIZE, LEGEND_BOX)
    return SPACING + box * round(ceil(sqrt(max(lines, 1))) - 1) * 1.5 + box


def _margins(y_labels: Sequence[str], lines: int) -> dict[str, float]:
    """Margins that put the plot box where every other chart has it (see PLOT_LEFT)."""
    longest = max((len(label) for label in y_labels), default=0)
    return {
        "margin_left": max(2.0, PLOT_LEFT - SPACING - max(text_len(longest, FONT_SIZE), FONT_SIZE)),
        "margin_bottom": MARGIN + _legend_height(MAX_LINES) - _legend_height(lines),
    }


def line_chart_svg(
    title: str,
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[int]]],
    label_value: Callable[[int], str],
    label_day: Callable[[date], str],
) -> str:
    """One line per (label, values) over `days`, its total in the legend; negative values drawn at 0."""
    y_labels = _y_labels(series)
    chart = pygal.Line(
        js=[],  # no script: the SVG is shown as an image
        style=STYLE,
        width=WIDTH,
        height=HEIGHT,
        title=title,
        legend_at_bottom=True,
        truncate_legend=-1,
        truncate_label=-1,
        y_labels=y_labels,
        spacing=SPACING,
        margin=MARGIN,
        legend_box_size=LEGEND_BOX,
        **_margins([label_value(value) for value in y_labels], len(series)),
        range=None,
        value_formatter=lambda value: label_value(int(value)),
        show_dots=len(days) <= 31,
        dots_size=2.5,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, -(-len(days) // X_LABELS)),
        x_label_rotation=0,
        disable_xml_declaration=True,
    )
    chart.x_labels = [label_day(day) for day in days]
    for label, values in series:
        chart.add(f"{label}: {label_value(sum(values))}", [max(value, 0) for value in values])
    return str(chart.render(is_unicode=True))

"""Charts over time for the dashboard, drawn as inline SVG with presentation attributes only (the
merchant pages' Content-Security-Policy forbids inline styles and scripts, which charting libraries'
SVG output carries). This module computes the geometry; templates/admin/analytics_chart.html draws it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 104, 12, 12, 28
COLORS = ("#005bd3", "#c05717", "#0f766e", "#8a2be2")


@dataclass(frozen=True)
class Line:
    label: str
    color: str
    points: str  # "x,y x,y ..." for <polyline>
    total: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]


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


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: int, top_value: int) -> float:
    span = HEIGHT - TOP - BOTTOM
    return HEIGHT - BOTTOM - span * value / top_value


def line_chart(
    key: str,
    title: str,
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[int]]],
    label_value: Callable[[int], str],
    label_day: Callable[[date], str],
) -> Chart:
    """One line per (label, values) over `days`; the y axis starts at 0 (negative values are drawn at 0)."""
    maximum = max((max(values, default=0) for _, values in series), default=0)
    step = nice_step(maximum)
    top_value = step * max(1, -(-maximum // step))
    lines = []
    for number, (label, values) in enumerate(series):
        points = " ".join(
            f"{_x(i, len(values)):.1f},{_y(max(value, 0), top_value):.1f}" for i, value in enumerate(values)
        )
        lines.append(Line(label, COLORS[number % len(COLORS)], points, label_value(sum(values))))
    y_ticks = [Tick(round(_y(value, top_value), 1), label_value(value)) for value in range(0, top_value + 1, step)]
    every = max(1, -(-len(days) // 6))
    x_ticks = [Tick(round(_x(i, len(days)), 1), label_day(day)) for i, day in enumerate(days) if i % every == 0]
    return Chart(key, title, WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, lines, y_ticks, x_ticks)

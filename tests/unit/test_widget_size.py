"""The storefront budget: everything a storefront downloads for the widget (the script, with its CSS
inside) is at most 10 KB gzip (DESIGN.md, Widgets)."""

import gzip
from pathlib import Path

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"
BUDGET = 10 * 1024


def test_the_widget_with_its_css_fits_in_10_kb_gzip():
    downloaded = sorted(WIDGETS.glob("*.js")) + sorted(WIDGETS.glob("*.css"))
    assert downloaded, "no widget files found"
    total = sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in downloaded)
    assert total <= BUDGET, f"{total} bytes gzip > {BUDGET}"

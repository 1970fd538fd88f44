"""axe-core on the Unboxing cards page (with cards listed) and on a print page: no WCAG 2.1 A/AA
violation, nothing refused by the pages' policies."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unboxing_orders import UNBOXING, deliver_paid_orders

from .accessibility import axe_violations
from .test_settings_page import sign_in


@pytest.mark.parametrize("path", ["/admin/unboxing", "/admin/unboxing/print?size=card"])
def test_axe_finds_no_wcag_violation_on_the_cards_pages(
    app: Any, shops: Any, deliver: Any, shopify: Any, live_url: str, page: Any, path: str
) -> None:
    shop = shops.make(settings={"points_per_unit": "1", "unboxing": UNBOXING})
    deliver_paid_orders(deliver, shopify, 2)
    sign_in(app, page, live_url, shop["id"], path)
    assert page.locator("[data-card], .card").count() >= 2
    assert axe_violations(page) == []
    assert page.errors == []

"""In a real Chromium: with points expiry on, the widget shows the day the shopper's points expire
(`me.points_expire_at`), in the shopper's language."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_date

from integrator.loyalty.models import utcnow
from tests.deliveries import fake30

from .storefront import Storefront, script_tag, set_shop, shadow_text, storefront_fixture, wait_text  # noqa: F401

JANE = "1073339475"


def test_the_widget_shows_when_the_points_expire(app, shops, deliver, live_url, storefront: Storefront, page):
    shop = shops.make(settings={"points_per_unit": "1", "points_expiry_days": 90})
    set_shop(app, shop["id"], language="en")
    assert deliver("orders/paid", fake30()).status_code == 200
    storefront.pages["/"] = f"<html><body>{script_tag(app, shop, live_url, JANE)}</body></html>"
    page.goto(storefront.origin + "/")
    wait_text(page, ".launcher", "181")
    page.locator("#setia-loyalty .launcher").click()
    day = (utcnow() + timedelta(days=90)).date()
    assert shadow_text(page, ".big") == "181 points"
    assert shadow_text(page, ".me .sub") == f"0 pending · points expire on {format_date(day, 'medium', locale='en')}"
    assert page.errors == []

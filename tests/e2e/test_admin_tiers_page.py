"""The tiers and campaigns page in Chromium: the preview follows what the merchant types, a bad
field is marked beside it and nothing is stored, a good tier and a campaign in the shop's time zone
are created and listed."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

from .storefront import set_shop
from .test_admin_members import sign_in


def test_a_merchant_previews_fixes_and_creates_a_tier_and_a_campaign(
    app: Any, client: Any, shop: dict[str, Any], live_url: str, page: Any
) -> None:
    set_shop(app, shop["id"], timezone="Asia/Jakarta")
    sign_in(app, page, live_url, shop["id"])
    page.goto(live_url + "/admin/tiers")
    tier = page.locator("#new-tier")
    tier.locator("[name=name]").fill("Gold")
    tier.locator("[name=threshold]").fill("abc")
    tier.locator("[name=multiplier]").fill("2.5")
    assert tier.locator("[data-preview]").inner_text() == "An order of $100.00 earns 250 points."
    tier.get_by_role("button", name="Create tier").click()
    error = tier.locator("[data-error-for=threshold]")
    error.wait_for(state="visible")
    assert "decimal" in error.inner_text()
    assert Api(client, shop["api_key"]).get("/tiers").json["items"] == []
    tier.locator("[name=threshold]").fill("500")
    tier.get_by_role("button", name="Create tier").click()
    page.wait_for_url("**/admin/tiers?saved=created")
    assert "Gold" in page.locator("#tier-list").inner_text()

    campaign = page.locator("#new-campaign")
    campaign.locator("[name=name]").fill("Weekend double")
    campaign.locator("[name=starts_at]").fill("2026-11-21T00:00")
    campaign.locator("[name=ends_at]").fill("2026-11-23T00:00")
    campaign.locator("[name=bonus_points]").fill("5")
    assert campaign.locator("[data-preview]").inner_text() == "An order of $100.00 earns 205 points."
    # The page is already at ?saved=created (the tier): wait for the navigation the save makes.
    with page.expect_navigation(url="**/admin/tiers?saved=created"):
        campaign.get_by_role("button", name="Create campaign").click()
    [stored] = Api(client, shop["api_key"]).get("/campaigns").json["items"]
    assert stored["starts_at"] == "2026-11-20T17:00:00+00:00"  # midnight in Jakarta
    assert "Weekend double" in page.locator("#campaign-list").inner_text()
    assert page.errors == []

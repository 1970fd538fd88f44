"""The widget's tiers module in a real Chromium: the shopper's tier, what is left to reach the next
one and a progress bar, the tier's perks, the ladder and a running campaign, in English (dollars)
and Indonesian (Rupiah). Loaded apart (tiers.js) only for a shop with tiers or campaigns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import Api
from tests.deliveries import fake30, money_set, with_changes

from .storefront import Storefront, script_tag, set_shop, shadow_text, shoot, storefront_fixture, wait_text  # noqa: F401

JANE = "1073339475"


def running_campaign(api: Api, name: str) -> None:
    now = datetime.now(UTC)
    window = {"starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=2)).isoformat()}
    assert api.post("/campaigns", {"name": name, "multiplier": "2", **window}).status_code == 201


def test_the_widget_shows_the_tier_its_progress_perks_and_a_running_campaign(
    app, client, shop, api, deliver, live_url, storefront: Storefront, page
):
    for body in (
        {"name": "Silver", "threshold": "100", "multiplier": "1.5", "birthday_multiplier": "2"},
        {"name": "Gold", "threshold": "500", "multiplier": "2"},
    ):
        assert api.post("/tiers", body).status_code == 201
    running_campaign(api, "Weekend double")
    deliver("orders/paid", fake30())  # 181.09: Silver, 318.91 to Gold
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url))
    storefront.pages["/"] = f"<html lang='en'><body><h1>Shop</h1>{script_tag(app, shop, live_url, JANE)}</body></html>"
    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    assert "Tier: Silver" in wait_text(page, ".me", "Tier: Silver")  # once `me` has answered
    assert wait_text(page, ".tier-next", "Gold") == "$318.91 to Gold"
    bar = page.locator("#setia-loyalty").get_by_role("progressbar", name="$318.91 to Gold")
    assert bar.get_attribute("aria-valuenow") == "20"  # (181.09 - 100) / (500 - 100)
    assert shadow_text(page, ".perks") == "1.5× points2× birthday bonus"
    assert "Gold · from $500.00 · 2× points" in shadow_text(page, ".ladder")
    campaigns = shadow_text(page, ".campaigns")
    assert campaigns.startswith("Weekend double · 2× points · until ")
    assert [url for url in calls if url.endswith("/tiers.js")]
    shoot(page, "widget-tiers")
    assert page.errors == []


def test_an_indonesian_shop_shows_the_tier_in_indonesian_and_rupiah(
    app, client, shops, deliver, live_url, storefront: Storefront, page
):
    shop = shops.make(currency="IDR")
    set_shop(app, shop["id"], language="id")
    api = Api(client, shop["api_key"])
    assert api.post("/tiers", {"name": "Perak", "threshold": "1000000", "multiplier": "1.5"}).status_code == 201
    assert api.post("/tiers", {"name": "Emas", "threshold": "1500000", "multiplier": "2"}).status_code == 201
    running_campaign(api, "Poin ganda akhir pekan")
    order = with_changes(fake30(), currency="IDR", current_subtotal_price_set=money_set("1250000", "IDR"))
    assert deliver("orders/paid", order).status_code == 200
    storefront.pages["/"] = f"<html><body><h1>Toko</h1>{script_tag(app, shop, live_url, JANE)}</body></html>"
    page.goto(storefront.origin + "/")
    page.locator("#setia-loyalty .launcher").click()
    assert "Level: Perak" in wait_text(page, ".me", "Level: Perak")  # once `me` has answered
    assert wait_text(page, ".tier-next", "Emas") == "Rp 250.000 lagi menuju Emas"
    assert shadow_text(page, ".perks") == "1,5× poin"
    assert "Emas · mulai Rp 1.500.000 · 2× poin" in shadow_text(page, ".ladder")
    assert shadow_text(page, ".campaigns").startswith("Poin ganda akhir pekan · 2× poin · sampai ")
    shoot(page, "widget-tiers-indonesian")
    assert page.errors == []

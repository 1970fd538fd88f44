"""On Shopify the theme app extension's tag has data-proxy="/apps/setia" and no signature: the widget
asks the storefront's own origin, and Shopify's app proxy (faked here in front of the app, signing
like Shopify) vouches for the logged-in customer."""

from __future__ import annotations

from tests.deliveries import fake30

from .storefront import Storefront, script_tag, shadow_text, shoot, storefront_fixture, wait_text  # noqa: F401
from .test_storefront_widget import add_reward

JANE = "1073339475"


def test_through_the_app_proxy_the_shopper_sees_the_balance_and_redeems(
    app, client, shop, api, deliver, live_url, storefront: Storefront, page
):
    deliver("orders/paid", fake30())
    member_id = api.member(JANE)["id"]
    for n in range(10):  # history on two pages of 10
        body = {"points": 1, "reason": f"Welcome {n}", "idempotency_key": f"welcome-{n}"}
        assert api.post(f"/members/{member_id}/adjustments", body).status_code in (200, 201)
    add_reward(client, shop, name="Mug", points_cost=100, kind="percentage", value="15")
    storefront.app_url, storefront.shop_domain, storefront.logged_in = live_url, shop["domain"], JANE
    tag = script_tag(app, shop, live_url, None, proxy="/apps/setia", locale="id", label="Poin saya", logged_in="true")
    storefront.pages["/"] = f"<html lang='en'><body><h1>Shop</h1>{tag}</body></html>"
    widget_api_calls: list[str] = []
    page.on("request", lambda r: widget_api_calls.append(r.url) if "/widget/v1/" in r.url else None)

    page.goto(storefront.origin + "/")
    assert wait_text(page, ".launcher", "191") == "Poin saya · 191"  # data-label; data-locale wins over lang
    page.locator("#setia-loyalty .launcher").click()
    page.get_by_role("button", name="Tukar: Mug").click()
    page.get_by_role("button", name="Ya, tukar").click()
    assert wait_text(page, ".issued .code", "SETIA-")
    assert "Potongan\u00a015%" in shadow_text(page, ".issued")
    assert wait_text(page, ".big", "91 poin") == "91 poin"
    shoot(page, "widget-app-proxy")
    page.locator("#setia-loyalty").get_by_role("button", name="Riwayat").click()
    wait_text(page, ".history", "Welcome")
    assert page.locator("#setia-loyalty .history li").count() == 10
    page.locator("#setia-loyalty").get_by_role("button", name="Tampilkan lagi").click()
    entries = len(api.get(f"/members/{member_id}/ledger", query_string={"page_size": 100}).json["items"])
    assert 10 < entries <= 20  # the order's points and cashback, ten adjustments, the redemption
    page.wait_for_function(
        f"document.querySelector('#setia-loyalty').shadowRoot.querySelectorAll('.history li').length === {entries}"
    )
    assert "+181" in shadow_text(page, ".history")
    assert page.locator("#setia-loyalty").get_by_role("button", name="Tampilkan lagi").is_hidden()
    assert widget_api_calls == []
    assert {path.split("?")[0] for path in storefront.requests} >= {
        "/apps/setia/program",
        "/apps/setia/me",
        "/apps/setia/redemptions",
    }
    member = api.member(JANE)
    assert member is not None and member["points_available"] == 91
    assert page.errors == []

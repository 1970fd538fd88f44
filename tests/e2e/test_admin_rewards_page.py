"""The rewards catalogue in a real Chromium: create a reward (field errors first), see it through the
merchant API and the widget's program, edit it, deactivate it (gone from the widget, still listed on
the page), reactivate it."""

from __future__ import annotations

from tests.conftest import Api

from .test_settings_page import sign_in


def test_a_merchant_creates_edits_and_deactivates_a_reward(app, client, shop, live_url, page):
    page.set_default_timeout(10_000)
    sign_in(app, page, live_url, shop["id"], "/admin/rewards")
    assert "No rewards yet" in page.inner_text("main")
    new = page.locator("#new-reward")
    new.locator("[name=name]").fill("Rp 10.000 off")
    new.locator("[name=kind]").select_option("fixed_amount")
    new.locator("[name=value]").fill("10")
    new.locator("button[type=submit]").click()  # no points cost yet
    page.wait_for_selector("#new-reward [data-error-for=points_cost]:not([hidden])")
    assert Api(client, shop["api_key"]).get("/rewards").json["items"] == []

    new.locator("[name=points_cost]").fill("150")
    new.locator("[name=min_order]").fill("50")
    # A success shows the page again. Its status line is in the HTML before the page's deferred
    # rewards.js has tied the forms to it: wait for the load event before using a form (a form clicked
    # earlier submits natively and the step times out).
    with page.expect_navigation(wait_until="load"):
        new.locator("button[type=submit]").click()
    page.wait_for_selector("#rewards-status:has-text('Reward created.')")
    api = Api(client, shop["api_key"])
    [created] = api.get("/rewards").json["items"]
    assert (created["name"], created["points_cost"], created["kind"], created["value"], created["min_order"]) == (
        "Rp 10.000 off",
        150,
        "fixed_amount",
        "10",
        "50",
    )
    program = client.get(f"/widget/v1/{shop['public_id']}/program").json
    assert [reward["name"] for reward in program["rewards"]] == ["Rp 10.000 off"]

    form = page.locator(f"#reward-{created['id']}")
    assert form.locator("[name=points_cost]").is_hidden()  # the compact list: edited on demand
    form.locator("summary").click()
    form.locator("[name=points_cost]").fill("120")
    with page.expect_navigation(wait_until="load"):
        form.locator("button[type=submit]").click()
    page.wait_for_selector("#rewards-status:has-text('Reward saved.')")
    assert api.get("/rewards").json["items"][0]["points_cost"] == 120

    with page.expect_navigation(wait_until="load"):
        page.locator(f"#reward-{created['id']} button[data-active=false]").click()
    page.wait_for_selector("#rewards-status:has-text('Reward deactivated')")
    assert "Inactive" in page.locator(f"#inactive-rewards #reward-{created['id']} .badge").inner_text()
    assert api.get("/rewards").json["items"] == []
    assert client.get(f"/widget/v1/{shop['public_id']}/program").json["rewards"] == []

    with page.expect_navigation(wait_until="load"):
        page.locator(f"#reward-{created['id']} button[data-active=true]").click()
    page.wait_for_selector("#rewards-status:has-text('Reward reactivated')")
    assert [reward["id"] for reward in api.get("/rewards").json["items"]] == [created["id"]]
    assert page.errors == []


def test_free_shipping_hides_the_value_field_and_sends_no_value(app, client, shop, live_url, page):
    page.set_default_timeout(10_000)
    sign_in(app, page, live_url, shop["id"], "/admin/rewards")
    new = page.locator("#new-reward")
    new.locator("[name=value]").fill("abc")  # typed, then the kind changed: not sent
    new.locator("[name=kind]").select_option("free_shipping")
    assert new.locator("[name=value]").is_hidden()
    new.locator("[name=name]").fill("Gratis ongkir")
    new.locator("[name=points_cost]").fill("300")
    with page.expect_navigation(wait_until="load"):
        new.locator("button[type=submit]").click()
    page.wait_for_selector("#rewards-status:has-text('Reward created.')")
    [created] = Api(client, shop["api_key"]).get("/rewards").json["items"]
    assert (created["kind"], created["value"]) == ("free_shipping", "0")
    new.locator("[name=kind]").select_option("percentage")
    assert new.locator("[name=value]").is_visible()
    assert page.errors == []

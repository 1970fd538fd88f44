"""The merchant's settings page in a real Chromium: sign in with a login link, change the rules and
the widget theme, watch the preview follow, save with the page's own JavaScript (under its
Content-Security-Policy), and see the result through the API, the widget's program and the audit log."""

from __future__ import annotations

from integrator.admin import login_links
from tests.conftest import Api


def sign_in(app, page, live_url, shop_id: int, path: str = "/admin/settings") -> None:
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop_id)
    page.goto(f"{live_url}/admin/login/{token}")
    if path:
        page.goto(f"{live_url}{path}")


def test_the_earning_rate_changes_the_preview_then_the_api_and_the_widget(app, client, shop, live_url, page):
    sign_in(app, page, live_url, shop["id"])
    preview = page.locator("#widget-preview")
    assert preview.locator("[data-preview=earn]").inner_text() == "1 point per $1.00 spent"
    page.fill("[name=points_per_unit]", "3")
    assert preview.locator("[data-preview=earn]").inner_text() == "3 points per $1.00 spent"
    page.fill("[name='widget.texts.en.title']", "Toko Points")
    assert preview.locator("[data-preview=launcher]").inner_text() == "Toko Points"
    page.fill("[name='widget.accent_color']", "#aa3300")
    launcher_colour = preview.locator("[data-preview=launcher]").evaluate("e => getComputedStyle(e).backgroundColor")
    assert launcher_colour == "rgb(170, 51, 0)"
    page.select_option("[name='widget.position']", "bottom-left")
    assert "preview-bottom-left" in (preview.get_attribute("class") or "")
    box = preview.locator("[data-preview=launcher]").bounding_box()
    frame = preview.bounding_box()
    assert box is not None and frame is not None and box["x"] - frame["x"] < frame["width"] / 2

    page.click("#settings-form button[type=submit]")
    page.wait_for_selector("#settings-status:has-text('Settings saved.')", timeout=10_000)
    assert page.errors == []  # the page's scripts ran under its Content-Security-Policy, without errors
    settings = Api(client, shop["api_key"]).get("/settings").json
    assert settings["points_per_unit"] == "3"
    assert settings["widget"] == {
        "accent_color": "#aa3300",
        "position": "bottom-left",
        "texts": {"en": {"title": "Toko Points"}, "id": {}},
    }
    program = client.get(f"/widget/v1/{shop['public_id']}/program").json
    assert program["earning"]["points_per_unit"] == "3" and program["theme"]["accent_color"] == "#aa3300"
    audit = page.locator(".audit-log").inner_text()
    assert "Earning rate\t1 point per $1.00 spent\t3 points per $1.00 spent" in audit and "Login link" in audit
    assert page.input_value("[name=points_per_unit]") == "3"  # the page shows what was saved


def test_an_invalid_value_is_shown_next_to_its_field_and_nothing_changes(app, client, shop, live_url, page):
    sign_in(app, page, live_url, shop["id"])
    page.fill("[name=cashback_percent]", "150")
    page.fill("[name=points_per_unit]", "7")
    page.fill("[name='widget.texts.id.join']", "x" * 81)
    page.click("#settings-form button[type=submit]")
    error = page.wait_for_selector("[data-error-for=cashback_percent]:not([hidden])", timeout=10_000)
    assert error.inner_text().strip()
    assert page.locator("[data-error-for='widget.texts.id.join']").inner_text().strip()
    assert page.locator("[data-error-for=points_per_unit]").is_hidden()
    settings = Api(client, shop["api_key"]).get("/settings").json
    assert settings["cashback_percent"] == "2" and settings["points_per_unit"] == "1"  # nothing half-saved
    assert "No changes yet" in page.locator(".audit").inner_text()

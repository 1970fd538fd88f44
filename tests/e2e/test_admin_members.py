"""The members pages in a real Chromium: sign in with a login link, find a member and adjust their
points, import a CSV of opening balances with one bad row (reported; the others imported once, and
importing the file again changes nothing). Results are read back through the merchant API."""

from __future__ import annotations

from typing import Any

from integrator.admin import login_links
from tests.conftest import Api
from tests.deliveries import fake30

JANE_ID = "1073339475"


def sign_in(app: Any, page: Any, live_url: str, shop_id: int) -> None:
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop_id)
    page.goto(f"{live_url}/admin/login/{token}")
    assert "/admin/" in page.url and "/admin/login" not in page.url  # signed in, on a merchant page


def test_a_merchant_finds_a_member_and_adjusts_their_points(
    app: Any, client: Any, shop: dict[str, Any], deliver: Any, live_url: str, page: Any, ledger_checked: None
) -> None:
    api = Api(client, shop["api_key"])
    deliver("orders/paid", fake30())
    jane = api.member(JANE_ID)
    assert jane is not None and jane["points_available"] == 181
    sign_in(app, page, live_url, shop["id"])

    page.click("nav a[href='/admin/members']")
    page.fill("#q", "JANE@example.com")
    page.click("form.member-search button[type=submit]")
    page.click(f"tr[data-member='{jane['id']}'] a")
    page.wait_for_selector("[data-balance=points_available]:has-text('181')")
    page.fill("#points", "-500")
    page.fill("#reason", "Correction")
    page.click("#adjustment-form button[type=submit]")
    error = page.wait_for_selector("[data-error-for=points]")
    assert "points" in error.inner_text()
    assert "/adjustments" not in page.url  # post/redirect/get: the member page's own URL
    assert page.reload().status == 200  # a reload shows the refusal again, never a 405
    assert page.input_value("#points") == "-500" and page.input_value("#reason") == "Correction"
    page.wait_for_selector("[data-error-for=points]")
    page.fill("#points", "50")
    page.click("#adjustment-form button[type=submit]")
    page.wait_for_selector("#adjusted")
    assert page.inner_text("[data-balance=points_available]") == "231"
    assert page.errors == []  # no script error, nothing refused by the Content-Security-Policy

    member = api.get(f"/members/{jane['id']}").json
    assert member["points_available"] == 231
    entry = api.get(f"/members/{jane['id']}/ledger").json["items"][0]
    assert entry["kind"] == "adjust" and entry["points"] == 50 and "Correction" in entry["reason"]


CSV = (
    "platform_customer_id,email,points,cashback,first_name\n"
    "5001,siti@example.com,120,2.50,Siti\n"
    "5002,budi@example.com,ten,,Budi\n"
    "5003,,75,,\n"
)


def upload_and_check(page: Any, live_url: str) -> None:
    page.goto(f"{live_url}/admin/members/import")
    page.set_input_files("#file", files=[{"name": "smile-export.csv", "mimeType": "text/csv", "buffer": CSV.encode()}])
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-status[data-status=checked]")


def test_a_merchant_imports_opening_balances_with_one_bad_row(
    app: Any, client: Any, shop: dict[str, Any], live_url: str, page: Any, ledger_checked: None
) -> None:
    api = Api(client, shop["api_key"])
    sign_in(app, page, live_url, shop["id"])

    upload_and_check(page, live_url)
    assert page.get_attribute("tr[data-row='3']", "data-status") == "rejected"
    assert "whole number" in page.inner_text("tr[data-row='3']")
    assert api.get("/members").json["items"] == []  # a dry run changes nothing
    page.click("#apply-form button[type=submit]")
    page.wait_for_selector("#import-status[data-status=applied]")
    assert page.inner_text("[data-count=new_member]") == "2"
    assert page.inner_text("[data-count=rejected]") == "1"

    def balances() -> dict[str, tuple[int, str]]:
        items = api.get("/members").json["items"]
        return {m["platform_customer_id"]: (m["points_available"], m["cashback_available"]) for m in items}

    assert balances() == {"5001": (120, "2.50"), "5003": (75, "0.00")}

    upload_and_check(page, live_url)  # the same file again
    assert page.inner_text("[data-count=unchanged]") == "2"
    page.click("#apply-form button[type=submit]")
    page.wait_for_selector("#import-status[data-status=applied]")
    assert balances() == {"5001": (120, "2.50"), "5003": (75, "0.00")}
    assert page.errors == []


def test_a_merchant_issues_a_key_sees_it_once_and_revokes_the_old_one(
    app: Any, client: Any, shop: dict[str, Any], live_url: str, page: Any
) -> None:
    sign_in(app, page, live_url, shop["id"])
    page.goto(f"{live_url}/admin/")
    page.click("#api-keys a")
    page.click("text=Issue a new API key")
    new_key = page.inner_text("[data-new-key]")
    assert Api(client, new_key).get("/members").status_code == 200
    page.reload()  # the new key is shown once
    assert page.locator("[data-new-key]").count() == 0
    assert page.locator("tr[data-key]").count() == 2  # the reload issued no other key
    page.click(f"tr[data-key='{shop['api_key'][:10]}'] button")
    page.wait_for_selector("#revoked")
    assert Api(client, shop["api_key"]).get("/members").status_code == 401
    assert Api(client, new_key).get("/members").status_code == 200
    assert page.errors == []

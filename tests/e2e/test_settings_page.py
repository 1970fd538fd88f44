"""The merchant's settings page in a real Chromium: sign in with a login link, change a rule, save
with the page's own JavaScript (under its Content-Security-Policy), see the result through the API."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from integrator.admin import login_links
from tests.conftest import Api

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"

if CHROMIUM is None and not REQUIRED:
    pytest.skip("Chromium is not installed (REQUIRE_BROWSER=1 makes this a failure)", allow_module_level=True)


@pytest.fixture()
def live_url(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture()
def page() -> Iterator[Any]:
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but Chromium is not installed"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        errors: list[str] = []
        # Uncaught script errors, and what the Content-Security-Policy refused (a 404 favicon is not one).
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
        )
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def test_a_merchant_changes_the_cashback_rate_from_the_settings_page(app, client, shop, live_url, page):
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop["id"])
    page.goto(f"{live_url}/admin/login/{token}")
    assert page.url.endswith("/admin/settings")
    page.fill("[name=cashback_percent]", "5")
    page.click("button[type=submit]")
    page.wait_for_selector("#settings-status:has-text('Settings saved.')", timeout=10_000)
    assert page.errors == []  # the page's script ran under its Content-Security-Policy, without errors
    assert Api(client, shop["api_key"]).get("/settings").json["cashback_percent"] == "5"


def test_an_invalid_value_is_shown_next_to_its_field_and_nothing_changes(app, client, shop, live_url, page):
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop["id"])
    page.goto(f"{live_url}/admin/login/{token}")
    page.fill("[name=cashback_percent]", "150")
    page.click("button[type=submit]")
    error = page.wait_for_selector("[data-error-for=cashback_percent]:not([hidden])", timeout=10_000)
    assert error.inner_text().strip()
    assert Api(client, shop["api_key"]).get("/settings").json["cashback_percent"] == "2"

"""Browser tests: the app served live on loopback, and a page in Debian's Chromium (Playwright).
They skip when Chromium is absent unless REQUIRE_BROWSER=1, which makes them fail instead."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Without Chromium the browser tests skip, unless REQUIRE_BROWSER=1 (then `page` fails them)."""
    if CHROMIUM is not None or REQUIRED:
        return
    skip = pytest.mark.skip(reason="Chromium is not installed (REQUIRE_BROWSER=1 makes this a failure)")
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(skip)


@pytest.fixture()
def live_url(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole run (starting it is most of a browser test's time); every test gets
    a fresh context, so no cookies, storage or cache leak from one test to the next."""
    assert CHROMIUM is not None, "REQUIRE_BROWSER=1 but Chromium is not installed"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
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
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    # Uncaught script errors, and what the Content-Security-Policy refused (a 404 favicon is not one).
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()

"""The settings page in a real Chromium, as issue 14 asks: an `id` merchant's bad change is refused in
Indonesian only; the preview's earning rate is word for word the storefront widget's (three rates
in IDR and in USD, read in English and in Indonesian; the page's server-written rule says the same);
the widget's money format is the server's; and without JavaScript the form still saves (a plain
form post)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from integrator.admin import login_links
from integrator.loyalty.money import display, to_minor
from tests.conftest import Api

from .english import english_left
from .storefront import Storefront, script_tag, set_shop, shadow_text, shoot, storefront_fixture, wait_text  # noqa: F401
from .test_settings_page import sign_in

ENGLISH = ("Must ", "Not a valid", "Length", "Please correct", "Shorter", "Longer", "Invalid")


def test_an_indonesian_merchants_bad_change_is_refused_in_indonesian_only(app, client, shop, live_url, page):
    set_shop(app, shop["id"], language="id")
    sign_in(app, page, live_url, shop["id"])
    page.fill("[name=cashback_percent]", "150")
    page.fill("[name=pending_days]", "tiga")
    page.fill("[name='widget.texts.id.join']", "x" * 81)
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector("[data-error-for=cashback_percent]:not([hidden])", timeout=10_000)
    shoot(page, "settings-refused-indonesian")
    form = page.locator("#settings-form").inner_text()
    assert "Harus antara 0 dan 100." in form
    assert "Bukan bilangan bulat yang valid." in form
    assert "Panjang harus antara 1 dan 80 karakter." in form
    assert "Perbaiki kolom yang ditandai" in page.locator("#settings-status").inner_text()
    whole = page.locator("body").inner_text()
    assert [word for word in ENGLISH if word in whole] == []
    assert english_left(page) == []  # no text of the page is an English message of the catalog
    # The status line sits by the first marked field, which has the focus.
    beside = page.evaluate("document.getElementById('settings-status').previousElementSibling.dataset.errorFor")
    assert beside == "cashback_percent"
    assert page.evaluate("document.activeElement.name") == "cashback_percent"
    # A corrected field loses its mark at once; the others keep theirs.
    page.fill("[name=cashback_percent]", "5")
    assert page.locator("[data-error-for=cashback_percent]").is_hidden()
    assert page.locator("[name=cashback_percent]").get_attribute("aria-invalid") is None
    assert page.locator("[data-error-for=pending_days]").is_visible()
    assert Api(client, shop["api_key"]).get("/settings").json["cashback_percent"] == "2"
    assert page.errors == []


@pytest.mark.parametrize(
    ("currency", "language", "rates"),
    [
        (
            "IDR",
            "id",
            {
                "0.001": "1 poin per belanja Rp 1.000",
                "0.0025": "2,5 poin per belanja Rp 1.000",
                "2": "2 poin per belanja Rp 1",
            },
        ),
        (
            "IDR",
            "en",
            {
                "0.001": "1 point per Rp 1,000 spent",
                "0.0025": "2.5 points per Rp 1,000 spent",
                "2": "2 points per Rp 1 spent",
            },
        ),
        (
            "USD",
            "en",
            {"1": "1 point per $1.00 spent", "0.05": "5 points per $100.00 spent", "2.5": "2.5 points per $1.00 spent"},
        ),
        (
            "USD",
            "id",
            {
                "1": "1 poin per belanja US$1,00",
                "0.05": "5 poin per belanja US$100,00",
                "2.5": "2,5 poin per belanja US$1,00",
            },
        ),
    ],
)
def test_the_preview_says_what_the_storefront_says(
    app,
    client,
    shops,
    live_url,
    storefront: Storefront,
    page,
    browser,
    currency: str,
    language: str,
    rates: dict[str, str],
):
    shop = shops.make(domain=f"words-{currency.lower()}-{language}.myshopify.com", currency=currency)
    set_shop(app, shop["id"], language=language)
    storefront.pages["/"] = f"<html><body><h1>Toko</h1>{script_tag(app, shop, live_url)}</body></html>"
    sign_in(app, page, live_url, shop["id"], path="")
    for rate, words in rates.items():
        assert Api(client, shop["api_key"]).patch("/settings", {"points_per_unit": rate}).status_code == 200
        page.goto(f"{live_url}/admin/settings")
        page.wait_for_function("document.querySelector('[data-preview=earn]').textContent !== ''")
        preview = page.locator("[data-preview=earn]").inner_text()
        shopper = browser.new_context()  # a storefront visit of its own: the program is cached for a minute
        try:
            store_page = shopper.new_page()
            store_page.goto(storefront.origin + "/")
            store_page.locator("#setia-loyalty .launcher").click()
            storefront_words = wait_text(store_page, ".earn li", " ")
        finally:
            shopper.close()
        assert preview == storefront_words == words, rate
        # The page's own words for the saved rule (written by the server) are the same.
        assert page.locator("#points_per_unit_hint").inner_text().endswith(words), rate
    # Invalid input is never put into words.
    page.goto(f"{live_url}/admin/settings")
    page.fill("[name=points_per_unit]", "<b>1e9</b>")
    assert page.locator("[data-preview=earn]").inner_text() == ""
    assert page.errors == []


AMOUNTS = [("10000", "IDR"), ("1234567", "IDR"), ("0", "IDR"), ("1234.50", "USD"), ("0.05", "USD"), ("181.09", "EUR")]
# One format per reader's language: the separators are the language's, Rupiah has no decimals.
EXPECTED = {
    ("10000", "IDR", "en"): "Rp 10,000",
    ("10000", "IDR", "id"): "Rp 10.000",
    ("1234.50", "USD", "en"): "$1,234.50",
    ("1234.50", "USD", "id"): "US$1.234,50",
}


def test_the_widget_writes_money_as_the_server_does(app, shop, live_url, page):
    sign_in(app, page, live_url, shop["id"])  # the settings page loads the widget's format.js (S.money)
    page.wait_for_function("window.SetiaLoyalty && window.SetiaLoyalty.money")
    for language in ("en", "id"):
        for amount, currency in AMOUNTS:
            widget = page.evaluate("([a, c, l]) => window.SetiaLoyalty.money(a, c, l)", [amount, currency, language])
            server = display(to_minor(Decimal(amount), currency), currency, language)
            assert widget == server, (amount, currency, language)
            assert EXPECTED.get((amount, currency, language), widget) == widget


def test_the_settings_form_saves_without_javascript(app, client, shop, live_url, browser: Any):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        token = login_links.issue(app.extensions["setia_config"].secret_key, shop["id"])
        page.goto(f"{live_url}/admin/login/{token}")
        page.goto(f"{live_url}/admin/settings")
        page.fill("[name=points_per_unit]", "4")
        page.check("[name=award_test_orders]")
        page.fill("[name='widget.texts.en.title']", "Toko Points")
        page.click("#settings-form button[type=submit]")
        page.wait_for_url("**/admin/settings?saved=1")
        assert "Settings saved." in page.locator("#settings-status").inner_text()
        settings = Api(client, shop["api_key"]).get("/settings").json
        assert settings["points_per_unit"] == "4" and settings["award_test_orders"] is True
        assert settings["widget"]["texts"] == {"en": {"title": "Toko Points"}, "id": {}}
        assert "Earning rate" in page.locator(".audit-log").inner_text()

        page.fill("[name=cashback_percent]", "150")
        page.click("#settings-form button[type=submit]")
        page.wait_for_selector("[data-error-for=cashback_percent]:not([hidden])")
        assert page.url == f"{live_url}/admin/settings"  # the page's own address: a reload shows the page
        assert "Please correct the fields marked below." in page.locator("#settings-status").inner_text()
        assert page.input_value("[name=cashback_percent]") == "150"
        assert Api(client, shop["api_key"]).get("/settings").json["cashback_percent"] == "2"
        shoot(page, "settings-without-javascript")
    finally:
        context.close()

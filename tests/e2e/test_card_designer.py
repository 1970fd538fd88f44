"""The card designer on the settings page in Chromium: the card preview follows the message and the
colour as the merchant types, the logo upload shows the re-encoded logo, and saving stores the card
settings (read back through the merchant API); no script or style is refused by the page's policy."""

from __future__ import annotations

import io

from PIL import Image

from tests.conftest import Api

from .test_settings_page import sign_in


def test_the_card_preview_follows_the_form_and_the_logo_is_uploaded(app, client, shop, live_url, page, tmp_path):
    page.set_default_timeout(10_000)
    sign_in(app, page, live_url, shop["id"])
    preview = page.locator("#card-preview")
    message = preview.locator("[data-card-preview=message]")
    assert message.inner_text() == "Thank you for your order! Here is a gift for your next one."
    page.fill("[name='unboxing.card_message_en']", "Terima kasih, sampai jumpa lagi!")
    assert message.inner_text() == "Terima kasih, sampai jumpa lagi!"
    page.fill("[name='unboxing.card_accent']", "#aa3300")
    colour = preview.evaluate("e => getComputedStyle(e).borderTopColor")
    assert colour == "rgb(170, 51, 0)"

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (10, 120, 200)).save(logo)
    page.set_input_files("#logo", str(logo))
    page.click("#logo-form button[type=submit]")
    page.wait_for_selector("#card-preview-logo")
    src = page.get_attribute("#card-preview-logo", "src") or ""
    assert src.startswith("/u/logo/")
    served = client.get(src)
    assert served.content_type == "image/png" and Image.open(io.BytesIO(served.data)).size == (120, 60)

    page.select_option("[name='unboxing.card_size']", "4x6")
    with page.expect_navigation(wait_until="load"):
        page.click("#settings-form button[type=submit]")
    settings = Api(client, shop["api_key"]).get("/settings").json["unboxing"]
    assert (settings["card_message_en"], settings["card_accent"], settings["card_size"]) == (
        "Terima kasih, sampai jumpa lagi!",
        "#aa3300",
        "4x6",
    )
    assert page.errors == []

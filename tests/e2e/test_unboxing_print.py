"""Unboxing cards in a real Chromium: the print page of a day's orders printed to PDF at every size
(the PDF's pages have the card's paper size, as many as the cards need), the QR code in a screenshot
decoded by a real decoder (zxing-cpp) to the card's scan link, which redirects to the store's apply
link and counts one scan; once the code is used, the scan shows the friendly page."""

from __future__ import annotations

import contextlib
import io
import re
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from integrator.loyalty.models import UnboxingCard, utcnow
from tests.deliveries import fake30, with_changes
from tests.unboxing_orders import UNBOXING, cards_of, deliver_paid_orders

from .test_settings_page import sign_in

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
MM = 72 / 25.4  # PDF points per millimetre
# size → (page width, height in points, pages for 3 cards)
SIZES = {
    "a6": (105 * MM, 148 * MM, 3),
    "a6x4": (210 * MM, 297 * MM, 1),
    "4x6": (4 * 72, 6 * 72, 3),
    "card": (210 * MM, 297 * MM, 1),
}
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]")


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page: each page object's MediaBox (Chromium's PDFs keep
    page dictionaries uncompressed)."""
    pages = []
    for match in re.finditer(rb"/Type\s*/Page(?!s)", pdf):
        start = pdf.rfind(b"obj", 0, match.start())
        end = pdf.find(b"endobj", match.end())
        box = MEDIA_BOX.search(pdf, start, end)
        assert box, "a page without a MediaBox"
        x0, y0, x1, y1 = (float(value) for value in box.groups())
        pages.append((x1 - x0, y1 - y0))
    return pages


@pytest.fixture()
def unboxing_shop(shops):
    return shops.make(settings={"points_per_unit": "1", "unboxing": UNBOXING})


def scans_of(app, token: str) -> int:
    with app.extensions["setia_db"].session() as session:
        return int(session.execute(select(UnboxingCard.scans).where(UnboxingCard.token == token)).scalar_one())


def test_a_days_cards_print_at_every_size_and_their_qr_codes_lead_to_the_store(
    app, deliver, shopify, unboxing_shop, live_url, browser
):
    deliver_paid_orders(deliver, shopify, 3)
    cards = cards_of(app)
    day = utcnow().date().isoformat()
    context = browser.new_context(user_agent=PHONE, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None
    )
    try:
        sign_in(app, page, live_url, unboxing_shop["id"], "")
        for size, (width, height, count) in SIZES.items():
            page.goto(f"{live_url}/admin/unboxing/print?from={day}&to={day}&size={size}")
            assert page.locator(".card").count() == 3
            pages = pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
            assert len(pages) == count, size
            for w, h in pages:
                assert abs(w - width) < 2 and abs(h - height) < 2, (size, w, h)
            first = page.locator(".card").first.locator(".qr").screenshot()  # the smallest QR is 26 mm
            assert [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(first)))] == [
                f"{app.extensions['setia_config'].app_url}/u/{cards[0][2]}"
            ], size

        page.goto(f"{live_url}/admin/unboxing/print?from={day}&to={day}&size=a6")
        app_url = app.extensions["setia_config"].app_url
        decoded = []
        for n, (_, code, token) in enumerate(cards):
            card = page.locator(".card").nth(n)
            assert card.locator(".code").inner_text() == code
            image = Image.open(io.BytesIO(card.locator(".qr").screenshot()))
            [found] = zxingcpp.read_barcodes(image)
            assert found.text == f"{app_url}/u/{token}"
            decoded.append(found.text)
        assert errors == []

        # Following the first card's QR code: the store's discount link, one scan counted.
        _, code, token = cards[0]
        store = f"https://{unboxing_shop['domain']}"
        scanned = live_url + urlsplit(decoded[0]).path  # the decoded link, on the server under test
        # The store is not on this network: the browser's request to it is the proof it was sent there.
        # (its address does not resolve here, so the navigation itself fails)
        with (
            page.expect_request(lambda request: request.url.startswith(store)) as followed,
            contextlib.suppress(PlaywrightError),
        ):
            page.goto(scanned)
        assert followed.value.url == f"{store}/discount/{code}?redirect=/"
        assert followed.value.redirected_from is not None and followed.value.redirected_from.url == scanned
        assert scans_of(app, token) == 1

        # The shopper used the code: scanning the card again shows the friendly page.
        shopify.answer(
            "SetiaDiscountCreate",
            {
                "discountCodeBasicCreate": {
                    "codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/8"},
                    "userErrors": [],
                }
            },
        )
        used = with_changes(
            fake30(),
            id=8888,
            name="#3002",
            admin_graphql_api_id="gid://shopify/Order/8888",
            discount_codes=[{"code": code, "amount": "5.00", "type": "percentage"}],
        )
        deliver("orders/paid", used)
        page.goto(scanned)
        assert page.url == scanned
        assert page.locator("h1").inner_text() == "This code has already been used"
        assert scans_of(app, token) == 2
    finally:
        context.close()

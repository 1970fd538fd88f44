"""The scan link of an unboxing card (GET /u/<token>): a person's scan is counted and sent to the
store's apply link; HEAD and link-preview bots are answered but not counted; a used, expired or
withdrawn code gets a page in the shop's language; a WooCommerce store whose plugin was never seen
gets a page with the code; unknown tokens are 404 and an address that keeps guessing is refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from integrator.loyalty.models import Coupon, Shop, UnboxingCard, utcnow
from tests.conftest import requires_postgres
from tests.deliveries import fake30, with_changes
from tests.unboxing_orders import UNBOXING, cards_of, deliver_paid_orders

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)
BOTS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "",
]


@pytest.fixture()
def unboxing_shop(shops):
    return shops.make(settings={"points_per_unit": "1", "unboxing": UNBOXING})


def scans(app, token: str) -> int:
    with app.extensions["setia_db"].session() as session:
        card = session.query(UnboxingCard).filter_by(token=token).one()
        return card.scans


def test_a_scan_redirects_to_the_shopify_apply_link_and_counts_once(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 1)
    [(order_id, code, token)] = cards_of(app)
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", token) and code not in token and order_id not in token

    response = client.get(f"/u/{token}", headers={"User-Agent": PHONE})
    assert response.status_code == 302
    assert response.headers["Location"] == f"https://{unboxing_shop['domain']}/discount/{code}?redirect=/"
    assert response.headers["Cache-Control"] == "no-store"
    assert scans(app, token) == 1


def test_head_and_link_preview_bots_are_answered_but_not_counted(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 1)
    [(_, code, token)] = cards_of(app)
    assert client.head(f"/u/{token}", headers={"User-Agent": PHONE}).status_code == 302
    for agent in BOTS:
        response = client.get(f"/u/{token}", headers={"User-Agent": agent})
        assert response.status_code == 302 and code in response.headers["Location"], agent
    assert scans(app, token) == 0
    client.get(f"/u/{token}", headers={"User-Agent": PHONE})
    client.get(f"/u/{token}", headers={"User-Agent": PHONE})
    assert scans(app, token) == 2


def test_a_used_code_gets_the_friendly_page_in_the_shops_language(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 1)
    [(_, code, token)] = cards_of(app)
    # The shopper's next order uses the card's code (Shopify writes it in lower case if typed so).
    next_order = with_changes(
        fake30(),
        id=7777,
        name="#3001",
        admin_graphql_api_id="gid://shopify/Order/7777",
        discount_codes=[{"code": code.lower(), "amount": "5.00", "type": "percentage"}],
    )
    shopify.answer(
        "SetiaDiscountCreate",
        {"discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/9"}, "userErrors": []}},
    )
    deliver("orders/paid", next_order)
    response = client.get(f"/u/{token}", headers={"User-Agent": PHONE})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This code has already been used" in page and code not in page
    assert f'href="https://{unboxing_shop["domain"]}"' in page

    with app.extensions["setia_db"].session() as session:
        session.execute(update(Shop).values(language="id"))
    page = client.get(f"/u/{token}", headers={"User-Agent": PHONE}).get_data(as_text=True)
    assert "Kode ini sudah digunakan" in page and 'lang="id"' in page


def test_an_expired_or_withdrawn_code_gets_its_page(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 2)
    [(_, _, expired), (_, _, withdrawn)] = cards_of(app)
    with app.extensions["setia_db"].session() as session:
        session.execute(
            update(Coupon).where(Coupon.source_id == "5001").values(expires_at=utcnow() - timedelta(minutes=1))
        )
        session.execute(update(Coupon).where(Coupon.source_id == "5002").values(status="failed"))
    assert 'data-state="expired"' in client.get(f"/u/{expired}").get_data(as_text=True)
    assert 'data-state="withdrawn"' in client.get(f"/u/{withdrawn}").get_data(as_text=True)


def test_a_woocommerce_store_without_the_plugin_gets_a_page_with_the_code(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 1)
    [(_, code, token)] = cards_of(app)
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Shop).values(platform="woocommerce", domain="https://toko.example"))
    page = client.get(f"/u/{token}", headers={"User-Agent": PHONE})
    assert page.status_code == 200 and code in page.get_data(as_text=True)
    assert 'href="https://toko.example"' in page.get_data(as_text=True)
    with app.extensions["setia_db"].session() as session:  # the plugin's widget was seen: it applies ?coupon=
        session.execute(update(Shop).values(widget_seen_at=utcnow()))
    response = client.get(f"/u/{token}", headers={"User-Agent": PHONE})
    assert response.status_code == 302 and response.headers["Location"] == f"https://toko.example/?coupon={code}"
    assert scans(app, token) == 2


def test_the_qr_png_of_a_card_is_the_scan_link(app, client, deliver, shopify, unboxing_shop):
    import io

    import zxingcpp
    from PIL import Image

    deliver_paid_orders(deliver, shopify, 1)
    [(_, _, token)] = cards_of(app)
    response = client.get(f"/u/{token}/qr.png")
    assert response.status_code == 200 and response.content_type == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)))
    assert found.text == f"{app.extensions['setia_config'].app_url}/u/{token}"
    assert scans(app, token) == 0
    assert client.get("/u/AAAAAAAAAAAA/qr.png").status_code == 404


def test_unknown_tokens_are_404_and_a_guessing_address_is_refused(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 1)
    [(_, _, token)] = cards_of(app)
    app.config["UNBOXING_MISS_LIMIT"] = "5 per 600 second"
    try:
        for n in range(5):
            assert client.get(f"/u/guess{n:07d}", headers={"User-Agent": PHONE}).status_code == 404
        refused = client.get("/u/guess9999999", headers={"User-Agent": PHONE})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert client.get(f"/u/{token}", headers={"User-Agent": PHONE}).status_code == 429  # this address, for now
        assert scans(app, token) == 0  # a refused request changes nothing
        other = client.get(f"/u/{token}", headers={"User-Agent": PHONE}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
        assert other.status_code == 302 and scans(app, token) == 1
    finally:
        app.config.pop("UNBOXING_MISS_LIMIT")
    assert client.get("/u/" + "x" * 500).status_code in (404, 429)


@requires_postgres
def test_scans_at_the_same_moment_are_all_counted(app, deliver, shopify, unboxing_shop):
    """Twelve phones scanning one card at once: twelve scans (one atomic UPDATE each, no lost update)."""
    import threading

    deliver_paid_orders(deliver, shopify, 1)
    [(_, _, token)] = cards_of(app)
    barrier = threading.Barrier(12)
    statuses: list[int] = []

    def scan() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(client.get(f"/u/{token}", headers={"User-Agent": PHONE}).status_code)

    threads = [threading.Thread(target=scan) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 12 and scans(app, token) == 12

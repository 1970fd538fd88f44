"""The programme page (ways to earn, rewards, FAQ) in the shop's language, directly and through
Shopify's app proxy, and the ways-to-earn answers through the proxy (the shopper is whoever Shopify
says is logged in)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrator.loyalty.models import Shop
from tests.deliveries import fake30
from tests.integration.test_shopify_proxy_routes import proxied

pytestmark = pytest.mark.usefixtures("ledger_checked")

JANE = "1073339475"


@pytest.fixture()
def programme(api: Any) -> None:
    settings = {
        "bonus": {"signup_points": 50, "birthday_points": 100, "social_points": 15},
        "social": {"instagram_url": "https://www.instagram.com/tokobudi"},
        "pending_days": 14,
    }
    assert api.patch("/settings", settings).status_code == 200
    assert (
        api.post("/actions", {"name": "product_review", "points": 25, "limit": 3, "period": "month"}).status_code == 201
    )
    assert (
        api.post(
            "/rewards", {"name": "Voucher <b>10</b>", "points_cost": 500, "kind": "percentage", "value": "10"}
        ).status_code
        == 201
    )


@pytest.mark.usefixtures("programme")
def test_the_programme_page_lists_ways_rewards_and_faq_in_english(client: FlaskClient, shop: dict[str, Any]) -> None:
    page = client.get(f"/widget/v1/{shop['public_id']}/programme")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for text in (
        "Ways to earn",
        "1 point per $1.00 spent",
        "Create an account",
        "50 points",
        "Your birthday, once a year",
        "Follow us on Instagram",
        "https://www.instagram.com/tokobudi",
        "product review",
        "up to 3 times a month",
        "Voucher &lt;b&gt;10&lt;/b&gt;",
        "500 points",
        "14 days after payment",
        "29 February",
    ):
        assert text in html, text
    assert "<b>10</b>" not in html
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


@pytest.mark.usefixtures("programme")
def test_the_programme_page_speaks_indonesian_for_an_indonesian_shop(
    client: FlaskClient, shop: dict[str, Any], app: Flask
) -> None:
    with app.extensions["setia_db"].session() as session:
        session.get(Shop, shop["id"]).language = "id"
    html = client.get(f"/widget/v1/{shop['public_id']}/programme").get_data(as_text=True)
    for text in ('lang="id"', "Cara mendapatkan poin", "Buat akun", "Ikuti kami di Instagram", "Hadiah", "Pertanyaan"):
        assert text in html, text
    assert "Ways to earn" not in html


@pytest.mark.usefixtures("programme")
def test_the_programme_page_through_the_app_proxy(client: FlaskClient, shop: dict[str, Any]) -> None:
    page = client.get("/proxy/shopify/programme?" + proxied())
    assert page.status_code == 200 and "Ways to earn" in page.get_data(as_text=True)
    assert client.get("/proxy/shopify/programme?" + proxied(timestamp=1)).status_code == 401


@pytest.mark.usefixtures("programme")
def test_ways_to_earn_through_the_app_proxy(client: FlaskClient, shop: dict[str, Any], deliver: Any, api: Any) -> None:
    deliver("orders/paid", fake30())
    earn = client.get("/proxy/shopify/earn?" + proxied(JANE))
    assert earn.status_code == 200
    assert [way["kind"] for way in earn.json["items"]] == ["birthday", "social", "action"]  # joined by an order
    saved = client.post("/proxy/shopify/birthday?" + proxied(JANE), json={"month": 7, "day": 14})
    assert saved.status_code == 200 and saved.json["birthday"]["month"] == 7
    followed = client.post("/proxy/shopify/social/instagram?" + proxied(JANE), json={})
    assert followed.status_code == 200 and followed.json["credited"] is True
    assert client.get("/proxy/shopify/earn?" + proxied()).status_code == 401  # nobody logged in
    assert api.member(JANE)["points_available"] == 181 + 15


def test_the_program_answer_lists_the_ways_to_earn_and_nothing_personal(
    client: FlaskClient, shop: dict[str, Any], api: Any
) -> None:
    api.patch("/settings", {"bonus": {"signup_points": 50}})
    program = client.get(f"/widget/v1/{shop['public_id']}/program").json
    assert program["ways_to_earn"] == [{"kind": "signup", "points": 50}]

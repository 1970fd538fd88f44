"""The "Unboxing cards" page, the print page (cookie session or a short-lived signed link), marking
cards printed (a CSRF-protected POST, never the print GET) and GET /api/v1/unboxing/cards."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from integrator.admin.unboxing_print import sign_print_link
from integrator.loyalty.models import UnboxingCard, utcnow
from tests.conftest import Api
from tests.unboxing_orders import CREATED, UNBOXING, cards_of, deliver_paid_orders

from .test_admin_frame import sign_in


@pytest.fixture()
def unboxing_shop(shops):
    return shops.make(settings={"points_per_unit": "1", "unboxing": UNBOXING})


def today() -> str:
    return utcnow().date().isoformat()


def printed(app) -> dict[str, tuple[bool, int]]:
    with app.extensions["setia_db"].session() as session:
        rows = session.execute(select(UnboxingCard.token, UnboxingCard.printed_at, UnboxingCard.prints)).all()
        return {token: (at is not None, prints) for token, at, prints in rows}


def test_the_page_lists_the_days_cards_with_their_scans(app, client, deliver, shopify, unboxing_shop, shops):
    deliver_paid_orders(deliver, shopify, 3)
    cards = cards_of(app)
    client.get(f"/u/{cards[0][2]}", headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
    sign_in(app, client, unboxing_shop["id"])
    page = client.get("/admin/unboxing").get_data(as_text=True)
    assert re.findall(r'data-card="([^"]+)"', page) == [token for _, _, token in cards]
    for _, code, _ in cards:
        assert code in page
    assert re.findall(r"data-scans>(\d+)<", page) == ["1", "0", "0"]
    assert "#2001" in page and 'href="/admin/unboxing"' in page  # the top navigation has the page

    other = shops.make(domain="other-shop.myshopify.com", settings={"unboxing": UNBOXING})
    other_client = app.test_client()
    sign_in(app, other_client, other["id"])
    assert "data-card=" not in other_client.get("/admin/unboxing").get_data(as_text=True)

    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    earlier = client.get("/admin/unboxing", query_string={"from": yesterday, "to": yesterday}).get_data(as_text=True)
    assert "data-card=" not in earlier and "No unboxing codes on these days yet." in earlier
    for bad in ({"from": "2026-13-01"}, {"from": today(), "to": yesterday}, {"from": "2020-01-01", "to": "2021-01-01"}):
        assert client.get("/admin/unboxing", query_string=bad).status_code == 400
    assert client.get("/admin/unboxing", query_string={"size": "a3"}).status_code == 400


def test_the_print_page_has_one_card_per_code_and_marks_nothing(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 3)
    cards = cards_of(app)
    assert client.get("/admin/unboxing/print").status_code == 302  # no session: the login notice
    sign_in(app, client, unboxing_shop["id"])
    app_url = app.extensions["setia_config"].app_url
    for size in ("a6", "a6x4", "4x6", "card"):
        response = client.get("/admin/unboxing/print", query_string={"from": today(), "to": today(), "size": size})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and f'class="size-{size}"' in page
        assert re.findall(r'data-scan-url="([^"]+)"', page) == [f"{app_url}/u/{token}" for _, _, token in cards]
        assert page.count("<svg") == 3 and all(f'data-code="{code}"' in page for _, code, _ in cards)
        assert "Diskon" not in page and "10% off your next order" in page
    assert all(value == (False, 0) for value in printed(app).values())  # a GET marks nothing

    picked = client.get("/admin/unboxing/print", query_string={"card": [cards[1][2]], "size": "a6"})
    assert re.findall(r'data-code="([^"]+)"', picked.get_data(as_text=True)) == [cards[1][1]]


def test_the_signed_print_link_works_for_minutes_without_a_session(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 1)
    [(_, code, _)] = cards_of(app)
    link = sign_print_link(app.extensions["setia_config"].secret_key, unboxing_shop["id"])
    fresh = client.get("/admin/unboxing/print", query_string={"link": link})
    assert fresh.status_code == 200 and code in fresh.get_data(as_text=True)
    forged = client.get("/admin/unboxing/print", query_string={"link": link[:-2] + "xx"})
    assert forged.status_code == 302
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        assert client.get("/admin/unboxing/print", query_string={"link": link}).status_code == 302


def test_marking_printed_is_a_csrf_post_and_a_reprint_counts(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 3)
    tokens = [token for _, _, token in cards_of(app)]
    assert client.post("/admin/unboxing/printed", json={"card": tokens}).status_code == 401
    csrf = sign_in(app, client, unboxing_shop["id"])
    refused = client.post("/admin/unboxing/printed", json={"card": tokens})
    assert refused.status_code == 400 and printed(app)[tokens[0]] == (False, 0)

    one = client.post("/admin/unboxing/printed", json={"card": [tokens[0]]}, headers={"X-CSRF-Token": csrf})
    assert one.status_code == 200 and one.json == {"marked": 1}
    assert printed(app) == {tokens[0]: (True, 1), tokens[1]: (False, 0), tokens[2]: (False, 0)}
    unprinted = client.get("/admin/unboxing", query_string={"not_printed": "1"}).get_data(as_text=True)
    assert re.findall(r'data-card="([^"]+)"', unprinted) == tokens[1:]

    for bad in ({"card": "x"}, {"card": [1, 2]}, {"card": ["x" * 33]}, {"card": ["t"] * 1001}, {"from": 20261205}, [1]):
        refused = client.post("/admin/unboxing/printed", json=bad, headers={"X-CSRF-Token": csrf})
        assert refused.status_code == 400 and refused.json["error"], bad
    assert printed(app) == {tokens[0]: (True, 1), tokens[1]: (False, 0), tokens[2]: (False, 0)}  # unchanged

    form = client.post("/admin/unboxing/printed", data={"csrf_token": csrf, "from": today(), "to": today()})
    assert form.status_code == 303 and "marked=3" in form.headers["Location"]
    assert printed(app) == {tokens[0]: (True, 2), tokens[1]: (True, 1), tokens[2]: (True, 1)}


def test_the_api_lists_the_cards_of_the_days(app, client, deliver, shopify, unboxing_shop):
    deliver_paid_orders(deliver, shopify, 2)
    cards = cards_of(app)
    client.get(f"/u/{cards[1][2]}", headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
    api = Api(client, unboxing_shop["api_key"])
    response = api.get("/unboxing/cards", query_string={"from": today(), "to": today()})
    assert response.status_code == 200
    app_url = app.extensions["setia_config"].app_url
    items = response.json["items"]
    assert [(item["order"], item["code"], item["scan_url"], item["scans"], item["printed_at"]) for item in items] == [
        (order, code, f"{app_url}/u/{token}", scans, None)
        for (order, code, token), scans in zip(cards, (0, 1), strict=True)
    ]
    assert items[0]["order_name"] == "#2001" and items[0]["redeemed"] is False
    for bad in (
        {"from": "yesterday"},
        {"from": today(), "to": "2000-01-01"},
        {"from": "2020-01-01", "to": "2021-01-01"},
    ):
        refused = api.get("/unboxing/cards", query_string=bad)
        assert refused.status_code == 422 and refused.json["error"], bad
    assert client.get("/api/v1/unboxing/cards").status_code == 401
    document = client.get("/api/v1/openapi.json").json
    assert "/unboxing/cards" in document["paths"] or "/api/v1/unboxing/cards" in document["paths"]


def test_the_demo_has_cards_to_print_whose_scan_opens_the_demo_checkout(app, client, monkeypatch, tmp_path):
    from integrator import demo

    monkeypatch.setattr(demo, "DEMO_FILE", tmp_path / "demo.json")
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    cards = cards_of(app)
    assert len(cards) >= 5  # one per paid order of a member
    shop_id = json.loads((tmp_path / "demo.json").read_text())["shop_id"]
    sign_in(app, client, shop_id)
    page = client.get("/admin/unboxing/print", query_string={"size": "a6x4"}).get_data(as_text=True)
    assert len(re.findall(r'class="card"', page)) == len(cards)
    _, code, token = cards[0]
    response = client.get(f"/u/{token}", headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
    app_url = app.extensions["setia_config"].app_url
    assert response.status_code == 302 and response.headers["Location"] == f"{app_url}/discount/{code}?redirect=/"
    assert code in client.get(f"/discount/{code}").get_data(as_text=True)


def test_the_weekly_numbers_count_prints_scans_used_codes_and_their_revenue(app, client, deliver, shopify, shops):
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=True):  # a Wednesday
        weekly_numbers(app, client, deliver, shopify, shops)


def weekly_numbers(app, client, deliver, shopify, shops):
    from tests.deliveries import fake30, with_changes

    shop = shops.make(settings={"points_per_unit": "1", "unboxing": UNBOXING})
    deliver_paid_orders(deliver, shopify, 2)
    cards = cards_of(app)
    csrf = sign_in(app, client, shop["id"])
    client.post("/admin/unboxing/printed", json={"card": [cards[0][2], cards[1][2]]}, headers={"X-CSRF-Token": csrf})
    for _ in range(3):
        client.get(f"/u/{cards[0][2]}", headers={"User-Agent": "Mozilla/5.0 (iPhone)"})
    client.get(f"/u/{cards[0][2]}", headers={"User-Agent": "WhatsApp/2.23"})  # a preview: not a scan
    used = with_changes(
        fake30(),
        id=6001,
        name="#3001",
        admin_graphql_api_id="gid://shopify/Order/6001",
        discount_codes=[{"code": cards[0][1], "amount": "5.00", "type": "percentage"}],
    )
    shopify.answer("SetiaDiscountCreate", CREATED)  # the new order's own unboxing code
    deliver("orders/paid", used)  # fake30's subtotal after discounts: 181.09 USD
    page = client.get("/admin/unboxing").get_data(as_text=True)
    monday = utcnow().date() - timedelta(days=utcnow().weekday())
    row = re.search(rf'<tr data-week="{monday.isoformat()}">(.*?)</tr>', page, re.S)
    assert row is not None
    numbers = dict(re.findall(r"data-week-(\w+)>([^<]*)<", row.group(1)))
    assert numbers == {"printed": "2", "scans": "3", "redeemed": "1", "revenue": "$181.09"}
    assert len(re.findall(r"<tr data-week=", page)) == 8


def test_the_days_are_the_shops_days(app, client, deliver, shopify, shops):
    """A code made at 20:00 UTC on 4 December is on 5 December in Jakarta (UTC+7)."""
    from sqlalchemy import update

    from integrator.loyalty.models import Shop

    shop = shops.make(settings={"points_per_unit": "1", "unboxing": UNBOXING})
    with time_machine.travel(datetime(2026, 12, 4, 20, 0, tzinfo=UTC), tick=True):
        deliver_paid_orders(deliver, shopify, 1)
    api = Api(client, shop["api_key"])
    day = {"from": "2026-12-04", "to": "2026-12-04"}
    next_day = {"from": "2026-12-05", "to": "2026-12-05"}
    assert len(api.get("/unboxing/cards", query_string=day).json["items"]) == 1  # UTC until the shop says
    with app.extensions["setia_db"].session() as session:
        session.execute(update(Shop).values(timezone="Asia/Jakarta"))
    assert api.get("/unboxing/cards", query_string=day).json["items"] == []
    assert len(api.get("/unboxing/cards", query_string=next_day).json["items"]) == 1

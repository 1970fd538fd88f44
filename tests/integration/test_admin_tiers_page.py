"""The tiers and campaigns page and its endpoints: the API's rules (field errors, nothing stored),
campaign times typed in the shop's time zone, previews of what an order earns, the analytics per tier
and per campaign, Indonesian, and sign-in and CSRF like every change."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Api
from tests.deliveries import fake30, money_set
from tests.e2e.storefront import set_shop

from .test_admin_frame import sign_in


def test_the_page_creates_tiers_and_campaigns_in_the_shops_time_zone_and_shows_previews(
    app: Flask, client: FlaskClient, shop: dict[str, Any], deliver: Any
) -> None:
    set_shop(app, shop["id"], timezone="Asia/Jakarta")
    csrf = sign_in(app, client, shop["id"])
    headers = {"X-CSRF-Token": csrf}
    bad = client.post("/admin/api/tiers", json={"name": "", "threshold": "x", "multiplier": "0.5"}, headers=headers)
    assert bad.status_code == 422 and {"name", "threshold", "multiplier"} <= set(bad.json["details"])
    tier = client.post(
        "/admin/api/tiers", json={"name": "Silver", "threshold": "100", "multiplier": "1.5"}, headers=headers
    )
    assert tier.status_code == 201
    body = {"name": "Weekend", "starts_at": "2026-11-21T00:00", "ends_at": "2026-11-23T00:00", "multiplier": "2"}
    campaign = client.post("/admin/api/campaigns", json={**body, "bonus_points": 5}, headers=headers)
    assert campaign.status_code == 201
    assert campaign.json["campaign"]["starts_at"] == "2026-11-20T17:00:00+00:00"  # midnight in Jakarta
    backwards = client.post("/admin/api/campaigns", json={**body, "ends_at": "2026-11-20T00:00"}, headers=headers)
    assert backwards.status_code == 422 and "ends_at" in backwards.json["details"]
    deliver("orders/paid", fake30())  # paid 2025: no campaign; enters Silver
    page = client.get("/admin/tiers").get_data(as_text=True)
    assert "Silver" in page and "1.5× points" in page
    assert "an order of $100.00 earns 150 points" in page  # the tier's preview
    assert "an order of $100.00 earns 205 points" in page  # the campaign's: 2 × 100 + 5
    assert "Times are in Asia/Jakarta" in page
    assert 'value="2026-11-21T00:00"' in page  # the edit form shows the shop's local time
    assert '<th scope="row">Silver</th><td>1</td><td>$0.00</td>' in page  # one member, no order earned at Silver yet
    assert 'href="/admin/tiers"' in page
    gone = client.delete(f"/admin/api/campaigns/{campaign.json['campaign']['id']}", headers=headers)
    assert gone.status_code == 200
    assert Api(client, shop["api_key"]).get("/campaigns").json["items"] == []


def test_the_page_in_indonesian(app: Flask, client: FlaskClient, shops: Any) -> None:
    shop = shops.make(currency="IDR")
    set_shop(app, shop["id"], language="id")
    csrf = sign_in(app, client, shop["id"])
    created = client.post(
        "/admin/api/tiers",
        json={"name": "Emas", "threshold": "1000000", "multiplier": "2"},
        headers={"X-CSRF-Token": csrf},
    )
    assert created.status_code == 201
    page = client.get("/admin/tiers").get_data(as_text=True)
    assert "Tingkat dan kampanye" in page and "Emas" in page
    assert "pesanan Rp 100.000 mendapat 200 poin" in page


def test_changes_need_a_session_and_the_csrf_token(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    body = {"name": "Gold", "threshold": "1", "multiplier": "2"}
    assert client.post("/admin/api/tiers", json=body).status_code == 401
    sign_in(app, client, shop["id"])
    assert client.post("/admin/api/tiers", json=body).status_code == 400
    assert client.delete("/admin/api/tiers/1").status_code == 400
    assert Api(client, shop["api_key"]).get("/tiers").json["items"] == []


def test_the_members_list_filters_by_tier(app: Flask, client: FlaskClient, shop: dict[str, Any], deliver: Any) -> None:
    api = Api(client, shop["api_key"])
    gold = api.post("/tiers", {"name": "Gold", "threshold": "150", "multiplier": "2"}).json["id"]
    deliver("orders/paid", fake30())  # Jane: 181.09, Gold
    budi = dict(fake30()["customer"], id=42, email="budi@example.com", first_name="Budi")
    deliver(
        "orders/paid", dict(fake30(), id=2, name="#2", customer=budi, current_subtotal_price_set=money_set("20.00"))
    )
    sign_in(app, client, shop["id"])
    api.post("/tiers", {"name": "Silver", "threshold": "1000", "multiplier": "1.5"})
    gold_page = client.get("/admin/members", query_string={"tier": str(gold)}).get_data(as_text=True)
    assert gold_page.count("<td>Gold</td>") == 1 and "budi@example.com" not in gold_page
    none_page = client.get("/admin/members", query_string={"tier": "none"}).get_data(as_text=True)
    assert "budi@example.com" in none_page and "<td>Gold</td>" not in none_page
    odd = client.get("/admin/members", query_string={"tier": "9" * 30})
    assert odd.status_code == 200

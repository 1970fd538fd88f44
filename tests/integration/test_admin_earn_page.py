"""The ways-to-earn page: bonus settings through /admin/api/settings, custom actions through their
own endpoints (the API's rules: field errors, nothing stored), one shop's actions only, CSRF and
sign-in like every change; the page and its preview in English and Indonesian."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Api

from .test_admin_frame import sign_in


def test_the_page_saves_bonuses_and_shows_the_preview(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    csrf = sign_in(app, client, shop["id"])
    body = {
        "bonus": {"signup_points": 50, "social_points": 10},
        "social": {"tiktok_url": "https://www.tiktok.com/@tokobudi"},
    }
    saved = client.patch("/admin/api/settings", json=body, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200, saved.json
    page = client.get("/admin/earn").get_data(as_text=True)
    assert "Ways to earn" in page and 'value="50"' in page
    assert "Follow us on TikTok" in page and "Create an account" in page
    bad = client.patch(
        "/admin/api/settings",
        json={"social": {"facebook_url": "https://evil.example/x"}},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad.status_code == 422 and "facebook_url" in bad.json["details"]["social"]


def test_custom_actions_from_the_page(app: Flask, client: FlaskClient, shop: dict[str, Any], shops: Any) -> None:
    other = shops.make(domain="other-shop.myshopify.com")
    theirs = Api(client, other["api_key"]).post("/actions", {"name": "their_quiz", "points": 5}).json
    csrf = sign_in(app, client, shop["id"])
    headers = {"X-CSRF-Token": csrf}
    bad = client.post("/admin/api/actions", json={"name": "Bad Name", "points": "ten"}, headers=headers)
    assert bad.status_code == 422 and {"name", "points"} <= set(bad.json["details"])
    made = client.post(
        "/admin/api/actions",
        json={"name": "product_review", "points": 25, "limit": 2, "period": "week"},
        headers=headers,
    )
    assert made.status_code == 201
    action_id = made.json["action"]["id"]
    changed = client.patch(f"/admin/api/actions/{action_id}", json={"points": 30}, headers=headers)
    assert changed.status_code == 200 and changed.json["action"]["points"] == 30
    assert client.patch(f"/admin/api/actions/{theirs['id']}", json={"points": 1}, headers=headers).status_code == 404
    assert client.post("/admin/api/actions", json={"name": "x", "points": 1}).status_code == 400  # no CSRF token
    page = client.get("/admin/earn").get_data(as_text=True)
    assert "product_review" in page and "up to 2 times per week" in page and "their_quiz" not in page
    assert client.delete(f"/admin/api/actions/{action_id}", headers=headers).status_code == 200
    assert Api(client, shop["api_key"]).get("/actions").json["items"] == []


def test_the_page_in_indonesian(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    sign_in(app, client, shop["id"])
    client.get("/admin/language/id")
    page = client.get("/admin/earn").get_data(as_text=True)
    assert "Cara mendapatkan poin" in page and "Poin bonus" in page


def test_the_page_needs_a_session(client: FlaskClient, shop: dict[str, Any]) -> None:
    assert client.get("/admin/earn").status_code in (302, 401)

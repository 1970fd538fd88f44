"""Inside the Shopify admin: every page of the frame and every change works with the App Bridge
session token alone (no cookie, no CSRF token), and the admin's own menu is declared."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from .test_shopify_install import oauth_shop, session_token

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


@pytest.mark.parametrize("path", ["/admin/", "/admin/settings", "/admin/rewards", "/admin/referrals"])
def test_each_page_loads_embedded_with_the_session_token(app: Flask, client: FlaskClient, path: str) -> None:
    oauth_shop(app, expires_in=3600)
    response = client.get(path, query_string={"id_token": session_token(), "shop": "x", "host": "aG9zdA"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<ui-nav-menu>" in page and '<a href="/admin/" rel="home">' in page
    assert 'name="csrf_token"' not in page and 'action="/admin/logout"' not in page
    assert 'data-embedded="true"' in page and "Set-Cookie" not in response.headers
    assert (
        "frame-ancestors https://setia-test.myshopify.com https://admin.shopify.com"
        in (response.headers["Content-Security-Policy"])
    )


def test_rewards_and_the_checklist_change_with_the_session_token(app: Flask, client: FlaskClient) -> None:
    oauth_shop(app, expires_in=3600)
    bearer = {"Authorization": f"Bearer {session_token()}"}
    created = client.post(
        "/admin/api/rewards", json={"name": "Ongkir", "points_cost": 50, "kind": "free_shipping"}, headers=bearer
    )
    assert created.status_code == 201
    changed = client.patch(f"/admin/api/rewards/{created.json['reward']['id']}", json={"active": False}, headers=bearer)
    assert changed.status_code == 200 and changed.json["reward"]["active"] is False
    assert client.post("/admin/api/onboarding/earning-confirmed", json={}, headers=bearer).status_code == 200
    forged = {"Authorization": f"Bearer {session_token(secret='another-secret')}"}
    assert client.post("/admin/api/rewards", json={"name": "x"}, headers=forged).status_code == 401

"""The frame of the merchant pages: no page without a session, CSRF on every change (header or form
field, 400 and nothing changed), logout that ends the session for good, navigation, translated notice."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from integrator.admin import login_links
from integrator.loyalty.models import SettingsChange

NAV = [
    "/admin/",
    "/admin/settings",
    "/admin/rewards",
    "/admin/earn",
    "/admin/members",
    "/admin/referrals",
    "/admin/analytics",
    "/admin/notifications",
    "/admin/api-keys",
]


def sign_in(app: Flask, client: FlaskClient, shop_id: int) -> str:
    """Sign in with a login link; the CSRF token of the session."""
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop_id)
    assert client.get(f"/admin/login/{token}").status_code == 303
    page = client.get("/admin/settings").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def admin_pages(app: Flask) -> list[str]:
    """Every GET page under /admin (the login pages and static files aside), URL arguments filled in."""
    paths = set(NAV)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in (rule.methods or ()):
            continue
        if rule.endpoint in ("admin.static", "admin.login_notice", "admin.login_with_link"):
            continue
        paths.add(re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule))
    return sorted(paths)


def test_no_admin_page_is_shown_without_a_session(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    pages = admin_pages(app)
    assert len(pages) >= 3
    for path in pages:
        response = client.get(path)
        assert shop["domain"] not in response.get_data(as_text=True), path
        if path.startswith("/admin/api/"):  # what the pages fetch: JSON
            assert response.status_code == 401, path
            continue
        if path.startswith("/admin/analytics/charts/"):  # images signed by their URL: without it, nothing
            assert response.status_code in (403, 404), path
            assert client.get("/admin/analytics/charts/revenue.svg").status_code == 403
            continue
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/admin/login"), path
        assert shop["domain"] not in response.get_data(as_text=True), path


def test_the_navigation_links_every_merchant_page(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    sign_in(app, client, shop["id"])
    page = client.get("/admin/settings").get_data(as_text=True)
    for path in NAV:
        assert f'href="{path}"' in page
    assert re.search(r'<a href="/admin/settings" data-nav aria-current="page">Settings</a>', page)
    assert 'action="/admin/logout"' in page and "Log out" in page


def test_the_api_keys_page_is_in_the_top_navigation_in_english_and_indonesian(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    sign_in(app, client, shop["id"])
    for language, name in (("en", "API keys"), ("id", "Kunci API")):
        client.get(f"/admin/language/{language}")
        home = client.get("/admin/").get_data(as_text=True)
        nav = re.search(r'<nav class="nav"[^>]*>(.*?)</nav>', home, re.S)
        assert nav and re.search(rf'<a href="/admin/api-keys" data-nav>{name}</a>', nav.group(1)), language
        keys = client.get("/admin/api-keys").get_data(as_text=True)
        assert re.search(rf'<a href="/admin/api-keys" data-nav aria-current="page">{name}</a>', keys), language


def test_a_form_post_without_the_csrf_token_is_refused_with_400_and_changes_nothing(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    csrf = sign_in(app, client, shop["id"])
    response = client.post("/admin/api/settings", data={"pending_days": "5"})
    assert response.status_code == 400
    assert response.mimetype == "text/html" and "Nothing was changed" in response.get_data(as_text=True)
    wrong = client.post("/admin/api/settings", data={"pending_days": "5", "csrf_token": csrf + "x"})
    assert wrong.status_code == 400
    fetch = client.patch("/admin/api/settings", json={"pending_days": 5}, headers={"X-CSRF-Token": "nope"})
    assert fetch.status_code == 400 and fetch.json == {"error": "missing or wrong CSRF token", "details": None}
    assert client.post("/admin/logout", data={}).status_code == 400  # logging out is a change too
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(SettingsChange)).first() is None
    assert client.get("/admin/settings").status_code == 200  # still signed in
    assert (
        client.patch("/admin/api/settings", json={"pending_days": 5}, headers={"X-CSRF-Token": csrf}).json["settings"][
            "pending_days"
        ]
        == 5
    )


def test_the_csrf_token_is_accepted_as_a_form_field(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    csrf = sign_in(app, client, shop["id"])
    response = client.post("/admin/logout", data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/login?signed_out=1")


def test_logout_ends_the_session_even_for_a_copy_of_the_cookie(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    csrf = sign_in(app, client, shop["id"])
    cookie = client.get_cookie("setia_admin", path="/admin")
    assert cookie is not None
    response = client.post("/admin/logout", data={"csrf_token": csrf})
    assert "setia_admin=;" in response.headers["Set-Cookie"] and "Path=/admin" in response.headers["Set-Cookie"]
    assert client.get_cookie("setia_admin", path="/admin") is None
    assert client.get("/admin/settings").status_code == 302
    thief = app.test_client()
    thief.set_cookie("setia_admin", cookie.value, path="/admin")
    assert thief.get("/admin/settings").status_code == 302
    patch = thief.patch("/admin/api/settings", json={"pending_days": 9}, headers={"X-CSRF-Token": csrf})
    assert patch.status_code == 401
    notice = client.get("/admin/login?signed_out=1").get_data(as_text=True)
    assert "You have signed out." in notice


def test_the_login_notice_speaks_the_browsers_language(client: FlaskClient) -> None:
    page = client.get("/admin/login", headers={"Accept-Language": "id-ID,id;q=0.9"}).get_data(as_text=True)
    assert '<html lang="id">' in page and "Anda belum masuk." in page and "Masuk ke Setia" in page
    used = client.get("/admin/login/forged", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Tautan masuk ini tidak valid atau sudah kedaluwarsa." in used

"""Login links: one use whatever the deployment (two processes sharing the database, no Redis), and
a link for another shop opened while signed in asks before switching (login CSRF)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from integrator.admin import login_links
from integrator.loyalty.models import Shop, UsedLoginLink, utcnow
from tests.conftest import env_for
from tests.deliveries import OTHER_DOMAIN, SHOP_DOMAIN


def link_for(app: Flask, shop_id: int) -> str:
    return f"/admin/login/{login_links.issue(app.extensions['setia_config'].secret_key, shop_id)}"


def signed_in_shop(client: FlaskClient) -> str | None:
    """The domain the home page shows, or None when the browser is sent to the login notice."""
    page = client.get("/admin/")
    if page.status_code != 200:
        return None
    found = re.search(r'class="shop-name">([^ ]+) ', page.get_data(as_text=True))
    assert found
    return found.group(1)


def csrf_on(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


# --- one use, whatever the deployment --------------------------------------------------------------


def in_another_process(database_url: str, paths: list[str], cookie: str | None = None) -> list[tuple[int, str]]:
    """GET `paths` from a second web process on the same database, without Redis (as `make run`
    twice, or two gunicorn hosts without REDIS_URL)."""
    env = {key: value for key, value in env_for(database_url).items() if key != "REDIS_URL"}
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.admin_process"],
        input=json.dumps({"env": env, "cookie": cookie, "paths": paths}),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [(status, body) for status, body in json.loads(done.stdout)]


def test_a_login_link_works_once_across_two_processes_without_redis(
    app: Flask, client: FlaskClient, database_url: str, shop: dict[str, Any]
) -> None:
    path = link_for(app, shop["id"])
    assert client.get(path).status_code == 303
    [(status, body)] = in_another_process(database_url, [path])
    assert status == 401 and "already been used" in body
    fresh = link_for(app, shop["id"])
    [(status, _)] = in_another_process(database_url, [fresh])
    assert status == 303  # the other process signs in with a link of its own
    assert app.test_client().get(fresh).status_code == 401


def test_logging_out_in_one_process_ends_the_session_in_the_other(
    app: Flask, client: FlaskClient, database_url: str, shop: dict[str, Any]
) -> None:
    client.get(link_for(app, shop["id"]))
    cookie = client.get_cookie("setia_admin", path="/admin")
    assert cookie is not None
    [(status, _)] = in_another_process(database_url, ["/admin/settings"], cookie.value)
    assert status == 200  # the cookie signs in everywhere
    csrf = csrf_on(client.get("/admin/settings").get_data(as_text=True))
    assert client.post("/admin/logout", data={"csrf_token": csrf}).status_code == 303
    [(status, _)] = in_another_process(database_url, ["/admin/settings"], cookie.value)
    assert status == 302


def test_using_a_link_forgets_the_links_that_expired(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    db = app.extensions["setia_db"]
    with db.session() as session:
        session.add(UsedLoginLink(link_id="long-gone", expires_at=utcnow() - timedelta(seconds=1)))
        session.add(UsedLoginLink(link_id="still-valid", expires_at=utcnow() + timedelta(minutes=5)))
    assert client.get(link_for(app, shop["id"])).status_code == 303
    with db.session() as session:
        kept = set(session.execute(select(UsedLoginLink.link_id)).scalars())
    assert "long-gone" not in kept and "still-valid" in kept and len(kept) == 2


# --- asked before switching shops ------------------------------------------------------------------


@pytest.fixture()
def other(shops: Any, app: Flask) -> dict[str, Any]:
    made = shops.make(domain=OTHER_DOMAIN)
    with app.extensions["setia_db"].session() as session:
        session.get(Shop, made["id"]).name = "Toko <b>Lain</b>"
    return made


def test_a_link_for_another_shop_asks_before_switching(
    app: Flask, client: FlaskClient, shop: dict[str, Any], other: dict[str, Any]
) -> None:
    client.get(link_for(app, shop["id"]))
    path = link_for(app, other["id"])
    page = client.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    current, target = f"setia-test ({SHOP_DOMAIN})", f"Toko &lt;b&gt;Lain&lt;/b&gt; ({OTHER_DOMAIN})"
    assert f"You are signed in to {current}. Switch to {target}?" in text
    assert f'<form method="post" action="{path}">' in text
    assert signed_in_shop(client) == SHOP_DOMAIN  # nothing switched by opening the link
    assert client.get(path).status_code == 200  # asking did not use the link

    switched = client.post(path, data={"csrf_token": csrf_on(text)})
    assert switched.status_code == 303 and switched.headers["Location"].endswith("/admin/")
    assert signed_in_shop(client) == OTHER_DOMAIN
    for browser in (client, app.test_client()):  # used once, for good
        used = browser.get(path)
        assert used.status_code == 401 and "already been used" in used.get_data(as_text=True)
    assert (
        client.post(
            path, data={"csrf_token": csrf_on(client.get("/admin/settings").get_data(as_text=True))}
        ).status_code
        == 401
    )


def test_a_switch_posted_without_the_sessions_csrf_token_changes_nothing(
    app: Flask, client: FlaskClient, shop: dict[str, Any], other: dict[str, Any]
) -> None:
    client.get(link_for(app, shop["id"]))
    path = link_for(app, other["id"])
    # What a hostile page can make the browser send: the link, but not the session's token.
    for form in ({}, {"csrf_token": "guessed"}):
        refused = client.post(path, data=form)
        assert refused.status_code == 400 and "Set-Cookie" not in refused.headers
        assert signed_in_shop(client) == SHOP_DOMAIN
    assert app.test_client().post(path, data={"csrf_token": "x"}).status_code == 401  # no session: no switch
    csrf = csrf_on(client.get(path).get_data(as_text=True))
    assert client.post(path, data={"csrf_token": csrf}).status_code == 303  # the link still works once
    assert signed_in_shop(client) == OTHER_DOMAIN


def test_the_switch_question_speaks_the_signed_in_shops_language(
    app: Flask, client: FlaskClient, shops: Any, other: dict[str, Any]
) -> None:
    indonesian = shops.make(domain="toko-id.myshopify.com")
    with app.extensions["setia_db"].session() as session:
        session.get(Shop, indonesian["id"]).language = "id"
    client.get(link_for(app, indonesian["id"]))
    text = client.get(link_for(app, other["id"])).get_data(as_text=True)
    assert '<html lang="id">' in text and "Pindah toko?" in text
    assert "Anda masuk ke toko-id (toko-id.myshopify.com). Pindah ke Toko &lt;b&gt;Lain&lt;/b&gt;" in text
    assert "Tetap masuk ke toko-id (toko-id.myshopify.com)" in text


def test_a_link_for_the_shop_already_signed_in_signs_in_again_at_once(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    client.get(link_for(app, shop["id"]))
    again = client.get(link_for(app, shop["id"]))
    assert again.status_code == 303 and signed_in_shop(client) == SHOP_DOMAIN

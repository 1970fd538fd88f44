"""Merchant API keys after they are issued: `shops api-keys` lists them (prefix, created, last used,
revoked), `shops revoke-api-key` revokes one (it then answers 401), and "last used" is written at
most once a minute per key, not on every request."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from integrator.loyalty.models import ApiKey
from tests.conftest import Api
from tests.integration.test_admin_members import sign_in


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def listed(app: Flask, shop: dict[str, Any]) -> list[dict[str, Any]]:
    result = run(app, "shops", "api-keys", str(shop["id"]))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_cli_lists_the_keys_and_a_revoked_key_answers_401(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    second = json.loads(run(app, "shops", "api-key", shop["domain"]).stdout)["api_key"]
    keys = listed(app, shop)
    assert [key["prefix"] for key in keys] == [second[:10], shop["api_key"][:10]]  # newest first
    assert all(key["created_at"] and key["revoked_at"] is None for key in keys)
    assert all(shop["api_key"] not in line and second not in line for line in map(json.dumps, keys))

    assert Api(client, shop["api_key"]).get("/members").status_code == 200
    result = run(app, "shops", "revoke-api-key", shop["domain"], shop["api_key"][:10])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["revoked_at"]
    refused = Api(client, shop["api_key"]).get("/members")
    assert refused.status_code == 401 and refused.json["error"] == "invalid API key"
    assert Api(client, second).get("/members").status_code == 200  # the other key still works
    revoked = {key["prefix"]: key["revoked_at"] for key in listed(app, shop)}
    assert revoked[shop["api_key"][:10]] and revoked[second[:10]] is None


def test_revoking_an_unknown_or_another_shops_key_fails_and_changes_nothing(
    app: Flask, client: FlaskClient, shops: Any, shop: dict[str, Any]
) -> None:
    other = shops.make(domain="other-shop.myshopify.com")
    for shop_ref, prefix in (
        (shop["domain"], other["api_key"][:10]),
        (shop["domain"], "sk_nope"),
        ("nope.myshopify.com", shop["api_key"][:10]),
        (shop["domain"], ""),
    ):
        result = run(app, "shops", "revoke-api-key", shop_ref, prefix)
        assert result.exit_code != 0 and result.stderr.startswith("error:"), (shop_ref, prefix)
    assert Api(client, other["api_key"]).get("/members").status_code == 200
    assert Api(client, shop["api_key"]).get("/members").status_code == 200
    assert run(app, "shops", "api-keys", "nope.myshopify.com").exit_code != 0


def test_last_used_is_written_at_most_once_a_minute(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    api = Api(client, shop["api_key"])
    writes: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE API_KEYS"):
            writes.append(statement)

    engine = app.extensions["setia_db"].engine
    start = datetime.now(UTC).replace(microsecond=0)
    assert listed(app, shop)[0]["last_used_at"] is None
    event.listen(engine, "before_cursor_execute", count)
    try:
        with time_machine.travel(start, tick=False):
            for _ in range(5):
                assert api.get("/members").status_code == 200
        assert len(writes) == 1
        with time_machine.travel(start + timedelta(seconds=59), tick=False):
            assert api.get("/members").status_code == 200
        assert len(writes) == 1
        with time_machine.travel(start + timedelta(seconds=61), tick=False):
            assert api.get("/members").status_code == 200
        assert len(writes) == 2
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with app.extensions["setia_db"].session() as session:
        key = session.query(ApiKey).filter_by(shop_id=shop["id"]).one()
        assert key.last_used_at == start + timedelta(seconds=61)
    assert listed(app, shop)[0]["last_used_at"] == (start + timedelta(seconds=61)).isoformat(timespec="seconds")


# --- the merchant pages ----------------------------------------------------------------------------


def newest(page: str) -> str:
    """The issue form's hidden field: the newest key it listed."""
    found = re.search(r'name="newest" value="([^"]*)"', page)
    assert found
    return found.group(1)


def test_the_merchant_pages_list_issue_once_and_revoke_keys(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    csrf = sign_in(app, client, shop["id"])
    assert "1 active API keys" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/api-keys").get_data(as_text=True)
    assert re.findall(r'data-key="([^"]+)"', page) == [shop["api_key"][:10]] and shop["api_key"] not in page

    issued = client.post("/admin/api-keys", data={"csrf_token": csrf, "newest": newest(page)})
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    new_key = re.search(r"<code data-new-key>([^<]+)</code>", issued.get_data(as_text=True))
    assert new_key and Api(client, new_key.group(1)).get("/members").status_code == 200
    again = client.get("/admin/api-keys").get_data(as_text=True)  # a reload of that URL: the list only
    assert new_key.group(1) not in again and len(re.findall(r'data-key="', again)) == 2
    resent = client.post("/admin/api-keys", data={"csrf_token": csrf, "newest": newest(page)})  # the same form
    assert resent.status_code == 409 and "has issued a key already" in resent.get_data(as_text=True)
    assert len(listed(app, shop)) == 2  # no third key

    revoked = client.post("/admin/api-keys/revoke", data={"csrf_token": csrf, "prefix": shop["api_key"][:10]})
    assert revoked.status_code == 303
    shown = client.get(revoked.headers["Location"]).get_data(as_text=True)
    assert "The key is revoked" in shown
    assert Api(client, shop["api_key"]).get("/members").status_code == 401
    assert Api(client, new_key.group(1)).get("/members").status_code == 200
    assert client.get("/admin/api-keys/revoke").status_code == 303  # a reload after a refusal: no 405


def test_the_key_forms_need_the_csrf_token_and_the_shops_own_key(
    app: Flask, client: FlaskClient, shops: Any, shop: dict[str, Any]
) -> None:
    other = shops.make(domain="other-shop.myshopify.com")
    csrf = sign_in(app, client, shop["id"])
    assert client.post("/admin/api-keys", data={}).status_code == 400
    assert client.post("/admin/api-keys/revoke", data={"prefix": shop["api_key"][:10]}).status_code == 400
    refused = client.post("/admin/api-keys/revoke", data={"csrf_token": csrf, "prefix": other["api_key"][:10]})
    assert refused.status_code == 404
    assert len(listed(app, shop)) == 1
    for key in (shop["api_key"], other["api_key"]):
        assert Api(client, key).get("/members").status_code == 200
    assert client.post("/admin/api-keys", data={"csrf_token": "", "newest": shop["api_key"][:10]}).status_code == 400

"""The notifications pages through HTTP: the email switches, the test email through a real SMTP
server, the previews in both languages, webhook endpoints (the SSRF guard, the secret shown once,
the delivery log and redelivery), and the member page's email log and WhatsApp links."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Api
from tests.deliveries import fake30
from tests.integration.test_admin_members import csrf_of, sign_in
from tests.notify_servers import hook_server, smtp_server, use_config


@pytest.fixture()
def csrf(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> str:
    return sign_in(app, client, shop["id"])


def test_the_switches_save_into_the_settings(client: FlaskClient, api: Api, csrf: str) -> None:
    page = client.get("/admin/notifications").get_data(as_text=True)
    assert "SMTP_URL is not set: emails are recorded, not sent." in page
    form = {"csrf_token": csrf, "enabled": "on", "points_earned": "on", "code_issued": "on"}
    answer = client.post("/admin/notifications", data=form)
    assert answer.status_code == 303
    email = api.get("/settings").json["notifications"]["email"]
    assert email["enabled"] is True and email["points_earned"] is True and email["birthday"] is False
    assert client.post("/admin/notifications", data={"enabled": "on"}).status_code == 400  # no CSRF token


def test_the_test_email_goes_through_smtp(app: Flask, client: FlaskClient, csrf: str, monkeypatch) -> None:
    with smtp_server() as (inbox, port):
        use_config(app, monkeypatch, smtp_url=f"smtp://127.0.0.1:{port}")
        answer = client.post("/admin/notifications/test", data={"csrf_token": csrf, "address": "owner@example.com"})
        assert answer.status_code == 200 and 'data-test-result="sent"' in answer.get_data(as_text=True)
        [message] = inbox.wait_for(1)
    assert message["To"] == "owner@example.com" and message["Subject"].startswith("You earned 120 points")
    bad = client.post("/admin/notifications/test", data={"csrf_token": csrf, "address": "a@b.c\r\nBcc: x@y.z"})
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("language", "words"), [("en", "120 points for your order #1001"), ("id", "120 poin untuk pesanan #1001")]
)
def test_each_email_has_a_preview_in_both_languages(client: FlaskClient, csrf: str, language: str, words: str) -> None:
    page = client.get("/admin/notifications").get_data(as_text=True)
    links = re.findall(r'href="(/admin/notifications/preview/[a-z_]+/[a-z]+)"', page)
    assert len(links) == 14  # seven emails, two languages
    preview = client.get(f"/admin/notifications/preview/points_earned/{language}")
    assert preview.status_code == 200 and words in preview.get_data(as_text=True)
    assert f'<html lang="{language}">' in preview.get_data(as_text=True)
    assert "script-src" not in preview.headers["Content-Security-Policy"]
    assert client.get("/admin/notifications/preview/points_earned/fr").status_code == 404


def test_webhook_endpoints_page_guards_urls_and_shows_the_secret_once(
    app: Flask, client: FlaskClient, csrf: str, deliver: Any, api: Api, monkeypatch
) -> None:
    refused = client.post(
        "/admin/webhooks", data={"csrf_token": csrf, "url": "http://10.0.0.1/x", "events": ["points.earned"]}
    )
    assert refused.status_code == 422 and "Must be a public http or https URL." in refused.get_data(as_text=True)
    use_config(app, monkeypatch, allow_private_store_urls=True)
    with hook_server() as receiver:
        made = client.post(
            "/admin/webhooks", data={"csrf_token": csrf, "url": receiver.url, "events": ["points.earned"]}
        )
        assert made.status_code == 201
        assert re.search(r"data-new-secret>whsec_[A-Za-z0-9+/=]+<", made.get_data(as_text=True))
        assert "whsec_" not in client.get("/admin/webhooks").get_data(as_text=True)
        deliver("orders/paid", fake30())
        assert len(receiver.received) == 1
        [endpoint] = api.get("/webhook-endpoints").json["items"]
        log = client.get(f"/admin/webhooks/{endpoint['id']}").get_data(as_text=True)
        [delivery_id] = re.findall(r'data-delivery="(\d+)"', log)
        again = client.post(
            f"/admin/webhooks/{endpoint['id']}/deliveries/{delivery_id}/redeliver", data={"csrf_token": csrf}
        )
        assert again.status_code == 303
        from tests.conftest import drain

        drain()
        assert len(receiver.received) == 2


def test_the_member_page_shows_the_email_log_and_whatsapp_links(
    app: Flask, client: FlaskClient, csrf: str, deliver: Any, api: Api
) -> None:
    api.patch("/settings", {"notifications": {"email": {"enabled": True}}})
    deliver("orders/paid", fake30())
    member = api.member("1073339475")
    page = client.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    assert 'data-email-status="recorded"' in page and "You earned 181 points" in page
    [link] = re.findall(r'href="(https://wa\.me/[^"]*)"', page)
    text = parse_qs(urlsplit(link.replace("&amp;", "&")).query)["text"][0]
    assert text.endswith(": 181 points for your order #1002\nThank you for your order. They are ready to spend now.")
    assert csrf_of(page)


def test_the_whatsapp_sender_is_switched_on_in_the_page_with_its_token_encrypted(
    app: Flask, client: FlaskClient, csrf: str, shop: dict[str, Any]
) -> None:
    from integrator.loyalty.whatsapp_accounts import account_of

    form = {"csrf_token": csrf, "whatsapp_enabled": "on", "phone_number_id": "106540352242922", "language": "id"}
    missing_token = client.post("/admin/notifications/whatsapp", data=form)
    assert missing_token.status_code == 422 and 'id="error-token"' in missing_token.get_data(as_text=True)
    saved = client.post(
        "/admin/notifications/whatsapp",
        data={**form, "token": "EAAG-secret", "template_points_earned": "points_earned"},
    )
    assert saved.status_code == 303
    page = client.get("/admin/notifications").get_data(as_text=True)
    assert "EAAG-secret" not in page and 'value="points_earned"' in page
    with app.extensions["setia_db"].session() as session:
        account = account_of(session, shop["id"])
        assert account is not None and account.enabled
        assert app.extensions["setia_box"].decrypt(account.access_token_enc) == "EAAG-secret"

"""The settings as a merchant meets them: the earning rate as people say it ("1 point per Rp 1.000"),
the form saved by a plain HTML post (no JavaScript), refusals in the page's language at the page's
own address, the change log in words, the frame's language switch, the demo's settings logged."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from integrator.loyalty.models import Shop
from tests.conftest import Api, Shops

from .test_admin_frame import sign_in


def _language(app: Flask, shop_id: int, language: str) -> None:
    with app.extensions["setia_db"].session() as session:
        row = session.get(Shop, shop_id)
        assert row is not None
        row.language = language


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("currency", "rate", "language", "words"),
    [
        ("IDR", "0.001", "en", "1 point per Rp 1,000 spent"),
        ("IDR", "0.001", "id", "1 poin per belanja Rp 1.000"),
        ("IDR", "0.0025", "en", "2.5 points per Rp 1,000 spent"),
        ("USD", "1", "en", "1 point per $1.00 spent"),
        ("USD", "0.05", "en", "5 points per $100.00 spent"),
    ],
)
def test_the_checklist_says_the_earning_rate_as_people_say_it(
    app: Flask, client: FlaskClient, shops: Shops, currency: str, rate: str, language: str, words: str
) -> None:
    store = shops.make(currency=currency, settings={"points_per_unit": rate})
    _language(app, store["id"], language)
    sign_in(app, client, store["id"])
    home = _text(client.get("/admin/").get_data(as_text=True))
    assert words in home
    assert f"per 1.00 {currency}" not in home and f"{rate} points" not in home


def test_the_settings_form_saves_as_a_plain_form_post(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    Api(client, shop["api_key"]).patch("/settings", {"award_test_orders": True})
    csrf = sign_in(app, client, shop["id"])
    form = {
        "csrf_token": csrf,
        "checkboxes": ["award_test_orders", "unboxing.enabled"],  # the page lists its checkboxes
        "points_per_unit": "3",
        "pending_days": "5",
        "unboxing.enabled": "on",  # ticked; award_test_orders is not: it is turned off
        "widget.texts.id.title": "Poin Toko",
        "widget.texts.en.title": "",  # empty: the built-in text
    }
    saved = client.post("/admin/settings", data=form)
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/admin/settings?saved=1")
    settings = Api(client, shop["api_key"]).get("/settings").json
    assert settings["points_per_unit"] == "3" and settings["pending_days"] == 5
    assert settings["award_test_orders"] is False and settings["unboxing"]["enabled"] is True
    assert settings["widget"]["texts"] == {"en": {}, "id": {"title": "Poin Toko"}}
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Settings saved." in page


def test_a_form_post_needs_the_sessions_csrf_token(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    sign_in(app, client, shop["id"])
    answer = client.post("/admin/settings", data={"points_per_unit": "9", "csrf_token": "forged"})
    assert answer.status_code == 400
    assert Api(client, shop["api_key"]).get("/settings").json["points_per_unit"] == "1"


def test_a_refused_form_post_shows_indonesian_errors_at_the_pages_address(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    _language(app, shop["id"], "id")
    csrf = sign_in(app, client, shop["id"])
    form = {"csrf_token": csrf, "cashback_percent": "150", "pending_days": "abc", "widget.texts.id.join": "x" * 81}
    answer = client.post("/admin/settings", data=form)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Harus antara 0 dan 100." in page
    assert "Bukan bilangan bulat yang valid." in page
    assert "Panjang harus antara 1 dan 80 karakter." in page
    assert "Must be" not in page and "Not a valid" not in page and "Length must" not in page
    assert 'value="150"' in page  # what was typed, to correct
    assert 'aria-invalid="true"' in page
    assert Api(client, shop["api_key"]).get("/settings").json["cashback_percent"] == "2"  # nothing changed
    assert client.get("/admin/settings").status_code == 200  # a reload of the address is the page


def test_the_pages_fetch_gets_indonesian_field_errors_on_an_id_shop(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    _language(app, shop["id"], "id")
    csrf = sign_in(app, client, shop["id"])
    answer = client.patch(
        "/admin/api/settings",
        json={"cashback_percent": "150", "widget": {"position": "top"}, "nope": 1},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 422
    assert answer.json["error"] == "pengaturan tidak valid"
    assert answer.json["details"] == {
        "cashback_percent": ["Harus antara 0 dan 100."],
        "widget": {"position": ["Harus salah satu dari: bottom-right, bottom-left."]},
        "nope": ["Kolom tidak dikenal."],
    }


def test_the_api_stays_english_unless_asked(client: FlaskClient, shop: dict[str, Any]) -> None:
    answer = Api(client, shop["api_key"]).patch("/settings", {"cashback_percent": "150"})
    assert answer.status_code == 422
    assert answer.json["details"] == {
        "cashback_percent": ["Must be greater than or equal to 0 and less than or equal to 100."]
    }


def test_the_change_log_shows_labels_and_values_in_the_pages_language(
    app: Flask, client: FlaskClient, shops: Shops
) -> None:
    store = shops.make(currency="IDR")
    _language(app, store["id"], "id")
    csrf = sign_in(app, client, store["id"])
    change = {"points_per_unit": "0.002", "unboxing": {"enabled": True}, "widget": {"texts": {"id": {"title": "Poin"}}}}
    assert client.patch("/admin/api/settings", json=change, headers={"X-CSRF-Token": csrf}).status_code == 200
    page = client.get("/admin/settings").get_data(as_text=True)
    log = _text(page[page.index('class="audit-log"') :])
    assert "Tingkat perolehan poin 1 poin per belanja Rp 1.000 2 poin per belanja Rp 1.000" in log
    assert "Kupon unboxing nonaktif aktif" in log
    assert "Teks widget" in log and "Judul “Poin”" in log
    assert "Tautan masuk" in log
    for raw in ("points_per_unit", "unboxing.enabled", "widget.texts", "{", "login-link"):
        assert raw not in log, raw


def test_the_language_switch_is_remembered(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    sign_in(app, client, shop["id"])
    assert 'lang="en"' in client.get("/admin/settings").get_data(as_text=True)
    switched = client.get("/admin/language/id?next=/admin/settings")
    assert switched.status_code == 303 and switched.headers["Location"] == "/admin/settings"
    page = client.get("/admin/settings").get_data(as_text=True)
    assert '<html lang="id">' in page and "Pengaturan" in page
    assert client.get("/admin/language/en?next=https://evil.example/").headers["Location"] == "/admin/"
    assert '<html lang="en">' in client.get("/admin/settings").get_data(as_text=True)


def test_the_demos_settings_are_in_the_change_log(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import integrator.demo

    monkeypatch.setattr(integrator.demo, "DEMO_FILE", tmp_path / "demo.json")  # not the developer's instance/
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    shop_id = json.loads((tmp_path / "demo.json").read_text())["shop_id"]
    sign_in(app, client, shop_id)
    page = client.get("/admin/settings").get_data(as_text=True)
    log = _text(page[page.index('class="audit-log"') :])
    assert "Penyiapan demo Persentase cashback 0% 2%" in log
    assert "Penyiapan demo Kupon unboxing nonaktif aktif" in log


def test_the_member_page_words_setias_reasons_and_sources_in_indonesian(
    app: Flask, client: FlaskClient, shop: dict[str, Any], deliver: Any
) -> None:
    from integrator.loyalty.ledger import Posting, post
    from integrator.loyalty.models import Member
    from tests.deliveries import fake30

    assert deliver("orders/paid", fake30()).status_code == 200
    _language(app, shop["id"], "id")
    with app.extensions["setia_db"].session() as session:
        member = session.query(Member).filter_by(shop_id=shop["id"]).one()
        member_id = member.id
        # One reason as stored before the codes, one as stored now: both read Indonesian.
        post(
            session,
            member,
            Posting("points", "available", 5, "refund", "t:1"),
            "redemption",
            "C1",
            "the store refused the coupon",
        )
        post(
            session,
            member,
            Posting("points", "available", 7, "refund", "t:2"),
            "store_credit",
            "9",
            "moved_to_store_credit",
        )
    sign_in(app, client, shop["id"])
    page = _text(client.get(f"/admin/members/{member_id}").get_data(as_text=True))
    assert "Toko menolak kupon: dikembalikan" in page and "Dipindahkan ke kredit toko" in page
    assert "Penukaran C1" in page and "Pesanan" in page
    for english in ("the store refused", "moved_to_store_credit", "redemption", "store_credit"):
        assert english not in page, english


@pytest.mark.parametrize(
    "form",
    [
        [("unboxing", "5"), ("unboxing.enabled", "on")],
        [("unboxing.enabled", "on"), ("unboxing", "5")],
        [("checkboxes", "unboxing.enabled"), ("unboxing", "x")],
        [("points_per_unit", "1"), ("points_per_unit.x", "2")],
        [("widget", "x"), ("widget.texts.id.title", "Poin")],
        [("widget.texts.id", "x"), ("widget.texts.id.title", "Poin")],
        [("checkboxes", ""), ("checkboxes", "unboxing"), ("nope", "1")],
    ],
)
def test_a_form_post_with_contradicting_names_is_refused_not_a_crash(
    app: Flask, client: FlaskClient, shop: dict[str, Any], form: list[tuple[str, str]]
) -> None:
    csrf = sign_in(app, client, shop["id"])
    answer = client.post("/admin/settings", data=MultiDict([("csrf_token", csrf), *form]))
    assert answer.status_code == 422
    assert 'class="field-error"' in answer.get_data(as_text=True)
    assert Api(client, shop["api_key"]).get("/settings").json["points_per_unit"] == "1"

"""The settings page server-side: every rule the schema knows has its field, the widget theme with
its preview, the audit log of who changed what, from what to what; the page in Indonesian."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from integrator.admin.settings_views import BUILTIN_TEXTS
from integrator.config import ROOT
from integrator.loyalty.models import Shop
from tests.conftest import Api

from .test_admin_frame import sign_in


def test_the_preview_knows_the_widgets_own_built_in_texts() -> None:
    source = (ROOT / "widgets" / "src" / "i18n.js").read_text(encoding="utf-8")
    for texts in BUILTIN_TEXTS.values():
        for key, text in texts.items():
            assert re.search(rf'\b{key}: "{re.escape(text)}"', source), (key, text)


def test_every_setting_has_its_field(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    sign_in(app, client, shop["id"])
    page = client.get("/admin/settings").get_data(as_text=True)
    for name in (
        "points_per_unit",
        "cashback_percent",
        "pending_days",
        "points_expiry_days",
        "award_test_orders",
        "cashback_store_credit",
        "unboxing.enabled",
        "unboxing.discount_percent",
        "unboxing.expires_days",
        "widget.accent_color",
        "widget.position",
        "widget.texts.en.title",
        "widget.texts.id.join",
        "widget.texts.id.rewards",
    ):
        assert f'name="{name}"' in page, name
        assert f'data-error-for="{name}"' in page, name
    assert 'id="widget-preview"' in page and 'data-builtin-en-title="Rewards"' in page
    assert " style=" not in page and "<script>" not in page  # nothing the policy would block


def test_a_woocommerce_shop_is_not_offered_shopify_store_credit(app: Flask, client: FlaskClient, shops) -> None:
    store = shops.make(domain="toko.myshopify.com")
    with app.extensions["setia_db"].session() as session:
        row = session.get(Shop, store["id"])
        assert row is not None
        row.platform = "woocommerce"
    sign_in(app, client, store["id"])
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="cashback_store_credit"' not in page and 'name="points_per_unit"' in page


def test_the_audit_log_shows_who_changed_what_from_what_to_what(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    Api(client, shop["api_key"]).patch("/settings", {"pending_days": 7, "award_test_orders": True})
    csrf = sign_in(app, client, shop["id"])
    saved = client.patch("/admin/api/settings", json={"cashback_percent": "4.5"}, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200
    page = client.get("/admin/settings").get_data(as_text=True)
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page
    )
    assert [row[1:] for row in rows] == [
        ("Login link", "Cashback percentage", "2%", "4.5%"),
        (rows[1][1], "Award test orders", "off", "on"),
        (rows[1][1], "Days before points can be used", "at once", "7 days"),
    ]
    assert rows[1][1] != "Login link"  # the API's actor
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[0]) for row in rows)


def test_invalid_settings_from_the_page_answer_422_per_field_and_change_nothing(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    csrf = sign_in(app, client, shop["id"])
    body = {"points_per_unit": "5", "widget": {"accent_color": "red", "texts": {"en": {"title": ""}}}}
    response = client.patch("/admin/api/settings", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422
    assert set(response.json["details"]["widget"]) == {"accent_color", "texts"}
    assert Api(client, shop["api_key"]).get("/settings").json["points_per_unit"] == "1"


def test_settings_no_order_could_be_recorded_with_are_refused_by_the_page_too(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    csrf = sign_in(app, client, shop["id"])
    for body, field in (
        ({"points_per_unit": "1.0000000000000000000000000000000001"}, "points_per_unit"),
        ({"cashback_percent": "\u0663"}, "cashback_percent"),
        ({"unboxing": {"discount_percent": "1_0"}}, "unboxing"),
    ):
        response = client.patch("/admin/api/settings", json=body, headers={"X-CSRF-Token": csrf})
        assert response.status_code == 422 and field in response.json["details"], body
    settings = Api(client, shop["api_key"]).get("/settings").json
    assert (settings["points_per_unit"], settings["cashback_percent"]) == ("1", "2")

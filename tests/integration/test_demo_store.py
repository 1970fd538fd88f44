"""`make run`'s demo store stands in for the demo shop's platform: the codes Setia makes for it
become active (the seed's unboxing codes, a reward Sari redeems), the demo cart applies an active
code (/discount/<code>) and refuses an unknown, used or expired one with the reason, and the seed
says nothing about a shop that is "not connected". A real shop never reaches the demo store."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from integrator import demo
from integrator.demo_store import DemoStore
from integrator.loyalty.models import Coupon, Shop
from integrator.platform_registry import NotConnected, connector_for, has_credentials, store_credit_supported
from integrator.storefront_demo import DEMO_DOMAIN
from tests.conftest import Api, drain
from tests.integration.test_widget_api import signed, widget_secret

SARI = "7001"


@pytest.fixture()
def seeded(app: Flask, monkeypatch: Any, tmp_path: Any, caplog: Any) -> dict[str, Any]:
    monkeypatch.setattr(demo, "DEMO_FILE", tmp_path / "demo.json")  # not the developer's instance/
    with caplog.at_level(logging.INFO):
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    drain()
    saved: dict[str, Any] = json.loads((tmp_path / "demo.json").read_text())
    saved["log"] = caplog.text
    return saved


def coupons(app: Flask) -> list[Coupon]:
    with app.extensions["setia_db"].session() as session:
        found = list(session.execute(select(Coupon).order_by(Coupon.id)).scalars())
        session.expunge_all()
    return found


def status(client: FlaskClient, code: str, **query: str) -> tuple[str, str]:
    page = client.get(f"/discount/{code}", query_string=query).get_data(as_text=True)
    found = re.search(r'id="discount-status"[^>]*>(.*?)</p>', page, re.S)
    total = re.search(r'id="cart-total">([^<]+)<', page)
    assert found
    said = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()
    return said, total.group(1) if total else ""


def test_the_seed_makes_its_unboxing_codes_on_the_demo_store_and_says_nothing_of_connections(
    app: Flask, seeded: dict[str, Any]
) -> None:
    made = coupons(app)
    assert made and {c.kind for c in made} == {"unboxing"}
    assert {c.status for c in made} == {"active"}
    assert all(c.platform_id == f"demo-store/discount/{c.code}" for c in made)
    assert "not connected" not in seeded["log"] and "no access token" not in seeded["log"]
    with app.extensions["setia_db"].session() as session:
        shop = session.execute(select(Shop).where(Shop.domain == DEMO_DOMAIN)).scalar_one()
        assert shop.install_kind == "demo" and has_credentials(shop)
        assert not store_credit_supported(shop)  # the demo store keeps none: the settings do not offer it


def test_a_redeemed_code_is_active_and_applies_in_the_demo_cart_once(
    app: Flask, client: FlaskClient, seeded: dict[str, Any]
) -> None:
    api = Api(client, seeded["api_key"])
    secret = widget_secret(app, seeded["shop_id"])
    rewards = {r["name"]: r["id"] for r in api.get("/rewards").json["items"]}
    url = f"/widget/v1/{seeded['public_id']}/redemptions"
    answer = client.post(url, query_string=signed(SARI, secret), json={"reward_id": rewards["Potongan Rp 10.000"]})
    assert answer.status_code == 201
    code = answer.json["code"]
    drain()
    listed = client.get(f"/widget/v1/{seeded['public_id']}/codes", query_string=signed(SARI, secret)).json["items"]
    assert [(c["code"], c["status"]) for c in listed if c["kind"] == "reward"] == [(code, "active")]

    # The cart: Rp 181.000 of goods, Rp 20.000 shipping, Rp 10.000 off.
    assert status(client, code, lang="en") == (f"Code {code} applied.", "Rp 191,000")
    assert status(client, code.lower(), lang="id") == (f"Kode {code.lower()} dipakai.", "Rp 191.000")
    assert status(client, "SETIA-NOSUCHCODE", lang="en")[0] == "The store does not know the code SETIA-NOSUCHCODE."
    assert status(client, "SETIA-NOSUCHCODE", lang="id")[0] == "Toko tidak mengenal kode SETIA-NOSUCHCODE."

    placed = client.post(f"/discount/{code}", query_string={"lang": "en"})
    assert placed.status_code == 303
    drain()
    assert status(client, code, lang="en")[0] == f"The code {code} was already used on an order."
    assert status(client, code, lang="id")[0] == f"Kode {code} sudah dipakai pada pesanan sebelumnya."
    listed = client.get(f"/widget/v1/{seeded['public_id']}/codes", query_string=signed(SARI, secret)).json["items"]
    assert code not in [c["code"] for c in listed]  # used: no longer under My codes
    again = client.post(f"/discount/{code}", query_string={"lang": "en"})
    assert again.status_code == 409  # a used code places no second order
    sari = api.member(SARI)
    assert sari is not None
    orders = api.get(f"/members/{sari['id']}/ledger").json["items"]
    from_cart = [e for e in orders if e["source"] == "order" and e["source_id"] == str(900_000 + _coupon_id(app, code))]
    assert [e["points"] for e in from_cart if e["account"] == "points"] == [
        171
    ]  # the paid Rp 171.000 earned at 1 point per Rp 1.000


def _coupon_id(app: Flask, code: str) -> int:
    return next(c.id for c in coupons(app) if c.code == code)


def test_an_expired_code_is_refused(app: Flask, client: FlaskClient, seeded: dict[str, Any]) -> None:
    unboxing = coupons(app)[0]
    assert unboxing.expires_at is not None
    assert status(client, unboxing.code, lang="en")[0] == f"Code {unboxing.code} applied."
    with time_machine.travel(unboxing.expires_at + timedelta(minutes=1)):
        text, total = status(client, unboxing.code, lang="en")
    assert text == f"The code {unboxing.code} has expired ({unboxing.expires_at.date().isoformat()})."
    assert total == "Rp 201,000"  # nothing off


def test_a_real_shop_on_the_demo_domain_reaches_its_platform(app: Flask, seeded: dict[str, Any]) -> None:
    config, box = app.extensions["setia_config"], app.extensions["setia_box"]
    with app.extensions["setia_db"].session() as session:
        shop = session.execute(select(Shop).where(Shop.domain == DEMO_DOMAIN)).scalar_one()
        assert isinstance(connector_for(config, box, shop), DemoStore)
        shop.install_kind = "custom_app"  # as `shops add-shopify` leaves a shop, here with no token
        with pytest.raises(NotConnected):
            connector_for(config, box, shop)
        assert not has_credentials(shop) and store_credit_supported(shop)
        session.rollback()


def test_the_cart_refuses_a_code_below_its_minimum(app: Flask, client: FlaskClient, seeded: dict[str, Any]) -> None:
    with app.extensions["setia_db"].session() as session:
        coupon = session.execute(select(Coupon).order_by(Coupon.id)).scalars().first()
        assert coupon is not None
        coupon.min_order = "200000"
        code = coupon.code
    assert status(client, code, lang="id")[0] == f"Kode {code} berlaku untuk pesanan mulai Rp 200.000."
    assert status(client, code, lang="en")[0] == f"The code {code} needs an order of at least Rp 200,000."
    assert client.post(f"/discount/{code}").status_code == 409


def test_no_demo_shop_no_cart(client: FlaskClient) -> None:
    assert client.get("/discount/SETIA-ANY").status_code == 404
    assert client.post("/discount/SETIA-ANY").status_code == 404


def test_a_real_shop_on_the_demo_domain_gets_no_demo_pages_and_is_not_seeded_over(
    app: Flask, client: FlaskClient, shops: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    shops.make(domain=DEMO_DOMAIN)  # connected with a token, as `shops add-shopify` makes it
    for path in ("/demo", "/discount/SETIA-ANY"):
        assert client.get(path).status_code == 404, path
    assert client.post("/discount/SETIA-ANY").status_code == 404
    monkeypatch.setattr(demo, "DEMO_FILE", tmp_path / "demo.json")
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 1 and "not the demo shop" in result.output
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(Shop.install_kind).where(Shop.domain == DEMO_DOMAIN)).scalar_one() != "demo"
        assert session.execute(select(Coupon)).first() is None

"""The widget API (/widget/v1/<public_id>/...) through HTTP, as CONTRACT.md describes it: balances for
a signed shopper, the programme for anyone, CORS for the storefront, rate limits."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from integrator.loyalty.models import Shop
from tests.conftest import Shops
from tests.deliveries import OTHER_DOMAIN, SHOP_DOMAIN, fake30, money_set, with_changes

JANE_ID = "1073339475"  # the FAKE30 order's customer
JANE_EMAIL = "jane@example.com"
PERSONAL = (JANE_ID, JANE_EMAIL, "Jane", "181", "3.62")
STOREFRONT = f"https://{SHOP_DOMAIN}"


def widget_secret(app: Flask, shop_id: int) -> str:
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        return str(app.extensions["setia_box"].decrypt(shop.widget_secret_enc))


def signed(customer: str, secret: str, ts: int | None = None) -> dict[str, str]:
    """The contract's identity, computed here: hex HMAC-SHA256 over "<customer>:<ts>"."""
    ts = int(time.time()) if ts is None else ts
    sig = hmac.new(secret.encode(), f"{customer}:{ts}".encode(), hashlib.sha256).hexdigest()
    return {"customer": customer, "ts": str(ts), "sig": sig}


def me(client: FlaskClient, shop: dict[str, Any], query: dict[str, str], **kwargs: Any) -> Any:
    return client.get(f"/widget/v1/{shop['public_id']}/me", query_string=query, **kwargs)


def assert_no_member_data(response: Any) -> None:
    body = response.get_data(as_text=True)
    assert "balances" not in response.json
    assert "member" not in response.json
    for value in PERSONAL:
        assert value not in body


@pytest.fixture()
def jane(deliver: Any, api: Any) -> dict[str, Any]:
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE_ID)
    assert member is not None and member["points_available"] == 181
    return member


@pytest.fixture()
def secret(app: Flask, shop: dict[str, Any]) -> str:
    return widget_secret(app, shop["id"])


# --- me ------------------------------------------------------------------------------------------


def test_signed_member_gets_balances(client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any) -> None:
    response = me(client, shop, signed(JANE_ID, secret))
    assert response.status_code == 200
    assert response.json == {
        "member": True,
        "currency": "USD",
        "balances": {
            "points_available": 181,
            "points_pending": 0,
            "lifetime_points": 181,
            "cashback_available": "3.62",
            "cashback_pending": "0.00",
        },
        "display": {"cashback_available": "$3.62", "cashback_pending": "$0.00"},
        "tier": None,
        "pending": [],
        "points_expire_at": None,  # points never expire by default
    }
    assert response.headers["Cache-Control"] == "private, no-store"
    assert JANE_EMAIL not in response.get_data(as_text=True)


def test_signed_shopper_who_is_not_a_member_gets_zero_balances(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    response = me(client, shop, signed("999000111", secret))
    assert response.status_code == 200
    assert response.json["member"] is False
    assert response.json["balances"] == {
        "points_available": 0,
        "points_pending": 0,
        "lifetime_points": 0,
        "cashback_available": "0.00",
        "cashback_pending": "0.00",
    }


def test_rupiah_is_displayed_without_decimals(client: FlaskClient, app: Flask, shops: Shops, deliver: Any) -> None:
    shop = shops.make(currency="IDR", settings={"points_per_unit": "0.001", "cashback_percent": "2"})
    order = with_changes(
        fake30(),
        currency="IDR",
        current_subtotal_price="500000",
        current_subtotal_price_set=money_set("500000", "IDR"),
    )
    assert deliver("orders/paid", order).status_code == 200
    response = me(client, shop, signed(JANE_ID, widget_secret(app, shop["id"])))
    assert response.status_code == 200
    assert response.json["balances"]["points_available"] == 500
    assert response.json["balances"]["cashback_available"] == "10000"
    assert response.json["display"]["cashback_available"] == "Rp 10,000"  # an English shop's separators


@pytest.mark.parametrize(("language", "shown"), [("id", "US$3,62"), ("id-ID", "US$3,62"), ("xx-ZZ", "$3.62")])
def test_amounts_are_displayed_in_the_shops_language(
    client: FlaskClient, app: Flask, shop: dict[str, Any], secret: str, jane: Any, language: str, shown: str
) -> None:
    with app.extensions["setia_db"].session() as session:
        stored = session.get(Shop, shop["id"])
        assert stored is not None
        stored.language = language
    response = me(client, shop, signed(JANE_ID, secret))
    assert response.status_code == 200
    assert response.json["display"]["cashback_available"] == shown


def test_wrong_signature_is_refused(client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any) -> None:
    query = signed(JANE_ID, secret)
    query["sig"] = query["sig"][:-1] + ("0" if query["sig"][-1] != "0" else "1")
    response = me(client, shop, query)
    assert response.status_code == 401
    assert response.json["error"] == "invalid signature"
    assert_no_member_data(response)


def test_signature_for_another_customer_is_refused(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    query = {**signed("42", secret), "customer": JANE_ID}
    response = me(client, shop, query)
    assert response.status_code == 401
    assert_no_member_data(response)


def test_other_shops_secret_is_refused(
    client: FlaskClient, app: Flask, shops: Shops, shop: dict[str, Any], jane: Any
) -> None:
    other = shops.make(domain=OTHER_DOMAIN)
    response = me(client, shop, signed(JANE_ID, widget_secret(app, other["id"])))
    assert response.status_code == 401
    assert_no_member_data(response)


@pytest.mark.usefixtures("on_several_dates")  # a day is 24 hours, DST or not
def test_signature_older_than_a_day_is_refused(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    response = me(client, shop, signed(JANE_ID, secret, int(time.time()) - 25 * 3600))
    assert response.status_code == 401
    assert response.json["error"] == "signature expired"
    assert_no_member_data(response)
    # 23 hours is still within the day
    assert me(client, shop, signed(JANE_ID, secret, int(time.time()) - 23 * 3600)).status_code == 200


def test_signature_from_the_far_future_is_refused(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    response = me(client, shop, signed(JANE_ID, secret, int(time.time()) + 3600))
    assert response.status_code == 401
    assert_no_member_data(response)


@pytest.mark.parametrize("missing", ["customer", "ts", "sig", "all"])
def test_missing_identity_is_refused(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any, missing: str
) -> None:
    query = {k: v for k, v in signed(JANE_ID, secret).items() if missing not in (k, "all")}
    response = me(client, shop, query)
    assert response.status_code == 401
    assert response.json["error"] == "missing customer, ts or sig"
    assert_no_member_data(response)


@pytest.mark.parametrize("ts", ["1.7e9", "-100", "soon", "١٧٩٠٠٠٠٠٠٠"])
def test_malformed_timestamp_is_refused(client: FlaskClient, shop: dict[str, Any], secret: str, ts: str) -> None:
    sig = hmac.new(secret.encode(), f"{JANE_ID}:{ts}".encode(), hashlib.sha256).hexdigest()
    response = me(client, shop, {"customer": JANE_ID, "ts": ts, "sig": sig})
    assert response.status_code == 401


def test_unknown_shop_is_404_json(client: FlaskClient, secret: str) -> None:
    for path in ("/widget/v1/nosuchshop/me", "/widget/v1/nosuchshop/program"):
        response = client.get(path, query_string=signed(JANE_ID, secret))
        assert response.status_code == 404
        assert response.json["error"] == "unknown shop"


# --- program -------------------------------------------------------------------------------------


def test_program_is_public_and_holds_no_personal_data(client: FlaskClient, shop: dict[str, Any], jane: Any) -> None:
    response = client.get(f"/widget/v1/{shop['public_id']}/program")
    assert response.status_code == 200
    assert response.json == {
        "currency": "USD",
        "language": "en",
        "platform": "shopify",
        "earning": {"points_per_unit": "1", "cashback_percent": "2", "pending_days": 0},
        "rewards": [],
        "ways_to_earn": [],
        "theme": {"accent_color": "#0f766e", "position": "bottom-right", "texts": {"en": {}, "id": {}}},
        "apply_path": "/discount/{code}",
        "referrals": None,  # off
        "tiers_basis": "spend",
        "tiers": [],
        "campaigns": [],
    }
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Origin" in response.headers["Vary"]
    body = json.dumps(response.json)
    for value in (JANE_ID, JANE_EMAIL, "Jane", "181"):
        assert value not in body


def test_program_follows_the_settings(client: FlaskClient, shop: dict[str, Any], api: Any) -> None:
    assert api.patch("/settings", {"points_per_unit": "2.5", "pending_days": 14}).status_code == 200
    earning = client.get(f"/widget/v1/{shop['public_id']}/program").json["earning"]
    assert earning == {"points_per_unit": "2.5", "cashback_percent": "2", "pending_days": 14}


def test_program_shows_active_rewards_with_their_minimum_and_the_theme(
    client: FlaskClient, shop: dict[str, Any], api: Any
) -> None:
    plain = api.post("/rewards", {"name": "Rp off", "points_cost": 100, "kind": "fixed_amount", "value": "10"})
    assert plain.status_code == 201
    ship = api.post("/rewards", {"name": "Free shipping", "points_cost": 50, "kind": "free_shipping"})
    assert api.patch(f"/rewards/{ship.json['id']}", {"min_order": "50"}).status_code == 200
    hidden = api.post("/rewards", {"name": "Old", "points_cost": 10, "kind": "percentage", "value": "5"})
    assert api.patch(f"/rewards/{hidden.json['id']}", {"active": False}).status_code == 200
    texts = {"en": {"title": "Club"}, "id": {"title": "Klub", "join": "Gabung"}}
    widget = {"accent_color": "#AA3300", "position": "bottom-left", "texts": texts}
    assert api.patch("/settings", {"widget": widget}).status_code == 200

    program = client.get(f"/widget/v1/{shop['public_id']}/program").json
    assert program["rewards"] == [
        {
            "id": ship.json["id"],
            "name": "Free shipping",
            "points_cost": 50,
            "kind": "free_shipping",
            "value": "0",
            "min_order": "50",
        },
        {
            "id": plain.json["id"],
            "name": "Rp off",
            "points_cost": 100,
            "kind": "fixed_amount",
            "value": "10",
            "min_order": None,
        },
    ]
    assert program["theme"] == {"accent_color": "#aa3300", "position": "bottom-left", "texts": texts}


def test_woocommerce_program_applies_codes_through_the_plugin(client: FlaskClient, app: Flask) -> None:
    from tests.woocommerce_deliveries import connected_store

    store = connected_store(app, {"points_per_unit": "1"})
    with app.extensions["setia_db"].session() as session:
        public_id = session.get(Shop, store["id"]).public_id
    program = client.get(f"/widget/v1/{public_id}/program").json
    assert program["platform"] == "woocommerce"
    assert program["apply_path"] == "/?coupon={code}"


# --- ETag ----------------------------------------------------------------------------------------


def test_program_has_an_etag_and_answers_304_when_unchanged(
    client: FlaskClient, shop: dict[str, Any], api: Any
) -> None:
    path = f"/widget/v1/{shop['public_id']}/program"
    first = client.get(path, headers={"Origin": STOREFRONT})
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag, "Origin": STOREFRONT})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=60"
    assert again.headers["Access-Control-Allow-Origin"] == STOREFRONT  # the widget may read the 304
    # A change of the programme is a new ETag: the old one gets the whole answer.
    assert api.patch("/settings", {"pending_days": 3}).status_code == 200
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json["earning"]["pending_days"] == 3
    assert changed.headers["ETag"] != etag


def test_me_has_an_etag_too_and_stays_private(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any, deliver: Any
) -> None:
    first = me(client, shop, signed(JANE_ID, secret))
    etag = first.headers["ETag"]
    again = me(client, shop, signed(JANE_ID, secret), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "private, no-store"
    # Another shopper's answer is not "unchanged" for Jane's ETag.
    assert me(client, shop, signed("555", secret), headers={"If-None-Match": etag}).status_code == 200
    # A bad signature with a matching ETag is still a 401, not a 304.
    refused = me(client, shop, {**signed(JANE_ID, secret), "sig": "0" * 64}, headers={"If-None-Match": etag})
    assert refused.status_code == 401


# --- CORS ----------------------------------------------------------------------------------------


def test_storefront_origin_may_read_without_credentials(
    client: FlaskClient, shop: dict[str, Any], secret: str, jane: Any
) -> None:
    for response in (
        me(client, shop, signed(JANE_ID, secret), headers={"Origin": STOREFRONT}),
        client.get(f"/widget/v1/{shop['public_id']}/program", headers={"Origin": STOREFRONT}),
    ):
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == STOREFRONT
        assert "Access-Control-Allow-Credentials" not in response.headers


def test_storefront_may_read_a_refusal(client: FlaskClient, shop: dict[str, Any]) -> None:
    response = me(client, shop, {"customer": JANE_ID}, headers={"Origin": STOREFRONT})
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == STOREFRONT


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        f"http://{SHOP_DOMAIN}",  # not https
        f"https://{SHOP_DOMAIN}.evil.example",
        f"https://{OTHER_DOMAIN}",  # another shop's storefront
        "http://127.0.0.1:8080",  # loopback, but ALLOW_PRIVATE_STORE_URLS is off
        "http://localhost:3000",
        "null",
    ],
)
def test_other_origins_get_no_cors_headers(
    client: FlaskClient, shops: Shops, shop: dict[str, Any], secret: str, origin: str
) -> None:
    shops.make(domain=OTHER_DOMAIN)
    response = me(client, shop, signed(JANE_ID, secret), headers={"Origin": origin})
    assert response.status_code == 200  # a server-side caller is not a browser; the browser is what CORS stops
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options(
        f"/widget/v1/{shop['public_id']}/me", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 403
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_preflight_from_the_storefront(client: FlaskClient, shop: dict[str, Any]) -> None:
    response = client.options(
        f"/widget/v1/{shop['public_id']}/me",
        headers={
            "Origin": STOREFRONT,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == STOREFRONT
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.fixture()
def private_urls_allowed(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    config = app.extensions["setia_config"]
    monkeypatch.setitem(app.extensions, "setia_config", dataclasses.replace(config, allow_private_store_urls=True))


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8080", "http://localhost:3000", "http://127.0.0.2:5000", "http://[::1]:8000"]
)
def test_loopback_origins_allowed_with_private_store_urls(
    client: FlaskClient, shop: dict[str, Any], secret: str, private_urls_allowed: None, origin: str
) -> None:
    response = me(client, shop, signed(JANE_ID, secret), headers={"Origin": origin})
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options(
        f"/widget/v1/{shop['public_id']}/program", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == origin


def test_private_store_urls_do_not_open_other_public_origins(
    client: FlaskClient, shop: dict[str, Any], private_urls_allowed: None
) -> None:
    for origin in ("https://evil.example", "http://10.0.0.5:8080", "http://localhost.evil.example"):
        response = client.get(f"/widget/v1/{shop['public_id']}/program", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers

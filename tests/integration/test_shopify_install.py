"""The Shopify app end to end: OAuth install and callback, expiring tokens and their refresh, token
exchange, the embedded settings page (session tokens) and the login-link pages. Shopify is faked with
`responses` and every request body it receives is checked; the database and Redis are real."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from responses import matchers
from sqlalchemy import select

from connectors.shopify.auth import TokenGrant
from integrator import periodic
from integrator.admin import login_links
from integrator.loyalty.models import Coupon, SettingsChange, Shop, utcnow
from integrator.loyalty.settings import current_settings
from integrator.platform_registry import NotConnected, connector_for
from integrator.shopify import install as shopify_app
from integrator.shopify import tokens as shopify_tokens
from integrator.shopify.connect import connector_after_unauthorized

from ..deliveries import APP_SECRET, OTHER_DOMAIN, SHOP_DOMAIN, fake30, fixture
from ..fake_shopify import FakeShopify, fake_shopify

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")

API_KEY = "test-api-key"
TOKEN_URL = f"https://{SHOP_DOMAIN}/admin/oauth/access_token"
GRAPHQL_URL = f"https://{SHOP_DOMAIN}/admin/api/2026-07/graphql.json"
SHOP_ANSWER = {
    "shop": {"name": "Toko Setia", "email": "owner@example.com", "currencyCode": "IDR", "ianaTimezone": "Asia/Jakarta"}
}
LOCALES_ANSWER = {"shopLocales": [{"locale": "en", "primary": False}, {"locale": "id-ID", "primary": True}]}


def grant_body(access: str = "shpat_fresh", refresh: str = "shprt_fresh", expires_in: int = 3600) -> dict[str, Any]:
    return {
        "access_token": access,
        "scope": shopify_app.DEFAULT_SCOPES,
        "expires_in": expires_in,
        "refresh_token": refresh,
        "refresh_token_expires_in": 7776000,
    }


@pytest.fixture()
def admin() -> Iterator[FakeShopify]:
    """The shop's Admin GraphQL API (the strict fake), which always tells the shop's details."""
    with fake_shopify() as fake:
        fake.answer("SetiaShop", SHOP_ANSWER, always=True)
        fake.answer("SetiaShopLocales", LOCALES_ANSWER, always=True)
        yield fake


@pytest.fixture()
def shopify(admin: FakeShopify) -> responses.RequestsMock:
    """Every HTTP call Setia makes: the token endpoints registered by each test, the Admin API faked."""
    return admin.mock


def session_token(shop: str = SHOP_DOMAIN, secret: str = APP_SECRET, **claims: Any) -> str:
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": API_KEY,
        "sub": "77",
        "exp": now + 60,
        "nbf": now - 1,
        "iat": now - 1,
        "jti": str(uuid.uuid4()),
        "sid": "sid-1",
    }
    payload.update(claims)
    return jwt.encode(payload, secret, algorithm="HS256")


def signed(params: dict[str, str], secret: str = APP_SECRET) -> dict[str, str]:
    """The callback query as Shopify signs it: hex HMAC-SHA256 over its own sorted, URL-encoded
    key=value pairs (a padded `host` is signed as `...%3D`; no `~` or `*` in these values, where
    urlencode and URLSearchParams differ)."""
    message = urllib.parse.urlencode(sorted(params.items()))
    return {**params, "hmac": hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()}


def signed_as_python_library(params: dict[str, str], secret: str = APP_SECRET) -> dict[str, str]:
    """As the ShopifyAPI package signs it: decoded values, `%` and `&` escaped."""
    pairs = (f"{key}={value.replace('%', '%25')}".replace("&", "%26") for key, value in params.items())
    message = "&".join(sorted(pairs))
    return {**params, "hmac": hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()}


def start_install(client: FlaskClient, shop: str = SHOP_DOMAIN) -> str:
    """GET the install route; the state Shopify would hand back."""
    response = client.get("/auth/shopify/install", query_string={"shop": shop})
    assert response.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(response.headers["Location"]).query)
    return query["state"][0]


def callback_params(state: str, shop: str = SHOP_DOMAIN, age: int = 0, code: str = "auth-code") -> dict[str, str]:
    return {
        "code": code,
        "shop": shop,
        "state": state,
        "timestamp": str(int(time.time()) - age),
        "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc2V0aWEtdGVzdA",
    }


def stored_shop(app: Flask, domain: str = SHOP_DOMAIN) -> Shop | None:
    with app.extensions["setia_db"].session() as session:
        shop = session.execute(select(Shop).where(Shop.domain == domain)).scalar_one_or_none()
        if shop is not None:
            session.expunge(shop)
        return shop


def decrypt(app: Flask, value: bytes | None) -> str | None:
    return app.extensions["setia_box"].decrypt(value) if value is not None else None


def oauth_shop(app: Flask, expires_in: int, domain: str = SHOP_DOMAIN, refresh: str = "shprt_old") -> int:
    """An OAuth shop whose access token expires in `expires_in` seconds."""
    grant = TokenGrant(f"shpat_old_{domain}", shopify_app.DEFAULT_SCOPES, expires_in, refresh, 7776000)
    with app.extensions["setia_db"].session() as session:
        return shopify_tokens.install_shop(session, app.extensions["setia_box"], domain, grant, None).id


def expect_code_exchange(shopify: responses.RequestsMock, code: str = "auth-code", **grant: Any) -> None:
    shopify.post(
        TOKEN_URL,
        json=grant_body(**grant),
        match=[
            matchers.urlencoded_params_matcher(
                {"client_id": API_KEY, "client_secret": APP_SECRET, "code": code, "expiring": "1"}
            )
        ],
    )


def expect_refresh(shopify: responses.RequestsMock, old: str = "shprt_old", domain: str = SHOP_DOMAIN) -> None:
    shopify.post(
        f"https://{domain}/admin/oauth/access_token",
        json=grant_body(access=f"shpat_refreshed_{domain}", refresh="shprt_refreshed"),
        match=[
            matchers.urlencoded_params_matcher(
                {"client_id": API_KEY, "client_secret": APP_SECRET, "grant_type": "refresh_token", "refresh_token": old}
            )
        ],
    )


# --- install and callback -------------------------------------------------------------------------


def test_install_redirects_to_the_grant_screen_with_a_state_bound_to_the_browser(client: FlaskClient) -> None:
    response = client.get("/auth/shopify/install", query_string={"shop": SHOP_DOMAIN})
    assert response.status_code == 302
    location = urllib.parse.urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", SHOP_DOMAIN, "/admin/oauth/authorize")
    query = urllib.parse.parse_qs(location.query)
    assert query["client_id"] == [API_KEY]
    assert query["scope"] == [shopify_app.DEFAULT_SCOPES]
    assert query["redirect_uri"] == ["https://setia.test/auth/shopify/callback"]
    assert "grant_options[]" not in query
    state = query["state"][0]
    assert len(state) >= 20
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{shopify_app.STATE_COOKIE}=")
    assert state not in cookie.split(";")[0] or "." in cookie  # signed, not the bare nonce
    for attribute in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/auth/shopify"):
        assert attribute in cookie


@pytest.mark.parametrize(
    "shop", ["evil.com", "x.myshopify.com.evil.com", "https://evil.com/x.myshopify.com", "", "a b.myshopify.com"]
)
def test_install_refuses_anything_but_a_shop_domain(client: FlaskClient, shop: str) -> None:
    response = client.get("/auth/shopify/install", query_string={"shop": shop})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Set-Cookie" not in response.headers


def test_callback_stores_an_expiring_offline_token_encrypted(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    expect_code_exchange(shopify)
    state = start_install(client)
    before = utcnow()
    response = client.get("/auth/shopify/callback", query_string=signed(callback_params(state)))
    assert response.status_code == 302
    assert response.headers["Location"] == f"https://{SHOP_DOMAIN}/admin/apps/{API_KEY}"
    shop = stored_shop(app)
    assert shop is not None and shop.install_kind == "oauth" and shop.uninstalled_at is None
    assert shop.access_token_enc is not None and b"shpat_fresh" not in shop.access_token_enc
    assert decrypt(app, shop.access_token_enc) == "shpat_fresh"
    assert decrypt(app, shop.refresh_token_enc) == "shprt_fresh"
    assert shop.access_token_expires_at is not None and shop.refresh_token_expires_at is not None
    assert before + timedelta(minutes=59) <= shop.access_token_expires_at <= utcnow() + timedelta(hours=1)
    assert before + timedelta(days=89) <= shop.refresh_token_expires_at <= utcnow() + timedelta(days=90)
    assert shop.scopes == shopify_app.DEFAULT_SCOPES
    assert (shop.name, shop.currency, shop.language) == ("Toko Setia", "IDR", "id")


def test_callback_registers_no_webhooks_for_an_oauth_install(
    client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    """Their webhooks come from shopify.app.toml; registering them too would deliver everything twice."""
    expect_code_exchange(shopify)
    client.get("/auth/shopify/callback", query_string=signed(callback_params(start_install(client))))
    graphql = [call for call in shopify.calls if call.request.url == GRAPHQL_URL]
    assert graphql, "the shop's details are read"
    for call in graphql:
        assert "webhookSubscription" not in json.loads(call.request.body)["query"]


PADDED_HOST = "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc2V0aWEtdGVzdA=="  # admin.shopify.com/store/setia-test


@pytest.mark.parametrize("sign", [signed, signed_as_python_library], ids=["as-shopify", "as-python-library"])
def test_callback_with_a_padded_host_and_delimiters_installs_the_shop(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock, sign: Any
) -> None:
    """Shopify's query arrives URL-encoded (`host=...%3D%3D`); either official library's signature
    over it is accepted."""
    expect_code_exchange(shopify, code="a%b&c=d e")
    params = sign({**callback_params(start_install(client), code="a%b&c=d e"), "host": PADDED_HOST})
    raw_query = urllib.parse.urlencode(params)
    assert "host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc2V0aWEtdGVzdA%3D%3D&" in raw_query
    response = client.get("/auth/shopify/callback", query_string=raw_query)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"https://{SHOP_DOMAIN}/admin/apps/{API_KEY}"
    shop = stored_shop(app)
    assert shop is not None and decrypt(app, shop.access_token_enc) == "shpat_fresh"


def _assert_refused(app: Flask, shopify: responses.RequestsMock, response: Any, status: int) -> None:
    assert response.status_code == status
    assert response.is_json and response.json["error"]
    assert stored_shop(app) is None
    assert len(shopify.calls) == 0


def test_callback_with_a_bad_hmac_stores_nothing(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    params = signed(callback_params(start_install(client)))
    params["hmac"] = "0" * 64
    _assert_refused(app, shopify, client.get("/auth/shopify/callback", query_string=params), 401)


def test_callback_signed_with_another_secret_stores_nothing(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    params = signed(callback_params(start_install(client)), secret="another-app-secret")
    _assert_refused(app, shopify, client.get("/auth/shopify/callback", query_string=params), 401)


def test_callback_without_the_state_cookie_stores_nothing(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    state = start_install(app.test_client())  # another browser started it
    params = signed(callback_params(state))
    _assert_refused(app, shopify, client.get("/auth/shopify/callback", query_string=params), 401)


def test_callback_with_another_state_stores_nothing(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    start_install(client)
    params = signed(callback_params("a-state-of-our-choosing"))
    _assert_refused(app, shopify, client.get("/auth/shopify/callback", query_string=params), 401)


def test_callback_older_than_ten_minutes_stores_nothing(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    params = signed(callback_params(start_install(client), age=11 * 60))
    _assert_refused(app, shopify, client.get("/auth/shopify/callback", query_string=params), 401)


def test_callback_for_another_shop_than_the_install_stores_nothing(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    params = signed(callback_params(start_install(client), shop=OTHER_DOMAIN))
    response = client.get("/auth/shopify/callback", query_string=params)
    assert response.status_code == 400
    assert stored_shop(app, OTHER_DOMAIN) is None and len(shopify.calls) == 0


def test_callback_with_scopes_taken_away_stores_nothing(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    shopify.post(TOKEN_URL, json={**grant_body(), "scope": "read_orders"})
    response = client.get("/auth/shopify/callback", query_string=signed(callback_params(start_install(client))))
    assert response.status_code == 400
    assert "write_discounts" in response.json["error"]
    assert stored_shop(app) is None


def test_reinstall_after_app_uninstalled_works(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock, deliver: Any
) -> None:
    expect_code_exchange(shopify)
    client.get("/auth/shopify/callback", query_string=signed(callback_params(start_install(client))))
    assert deliver("app/uninstalled", fixture("app_uninstalled__generic_sample")).status_code == 200
    gone = stored_shop(app)
    assert gone is not None and gone.uninstalled_at is not None and gone.access_token_enc is None

    expect_code_exchange(shopify, code="second-code", access="shpat_again")
    params = signed(callback_params(start_install(client), code="second-code"))
    assert client.get("/auth/shopify/callback", query_string=params).status_code == 302
    back = stored_shop(app)
    assert back is not None and back.id == gone.id
    assert back.uninstalled_at is None
    assert decrypt(app, back.access_token_enc) == "shpat_again"


# --- expiring tokens ------------------------------------------------------------------------------


def test_a_token_expiring_within_minutes_is_refreshed_and_the_new_pair_stored(
    app: Flask, shopify: responses.RequestsMock
) -> None:
    shop_id = oauth_shop(app, expires_in=60)
    expect_refresh(shopify)
    config, box = app.extensions["setia_config"], app.extensions["setia_box"]
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        assert shopify_tokens.access_token_for(config, box, session, shop) == f"shpat_refreshed_{SHOP_DOMAIN}"
    shop = stored_shop(app)
    assert shop is not None and len(shopify.calls) == 1
    assert decrypt(app, shop.access_token_enc) == f"shpat_refreshed_{SHOP_DOMAIN}"
    assert decrypt(app, shop.refresh_token_enc) == "shprt_refreshed"
    assert shop.access_token_expires_at is not None
    assert shop.access_token_expires_at > utcnow() + timedelta(minutes=59)


def test_a_token_valid_for_a_day_is_used_without_calling_shopify(app: Flask, shopify: responses.RequestsMock) -> None:
    shop_id = oauth_shop(app, expires_in=86400)
    config, box = app.extensions["setia_config"], app.extensions["setia_box"]
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        assert shopify_tokens.access_token_for(config, box, session, shop) == f"shpat_old_{SHOP_DOMAIN}"
    assert len(shopify.calls) == 0


def test_the_refresh_job_refreshes_only_the_shops_that_need_it(
    app: Flask, shops: Any, shopify: responses.RequestsMock
) -> None:
    soon = oauth_shop(app, expires_in=10 * 60, domain="soon.myshopify.com")
    later = oauth_shop(app, expires_in=2 * 3600, domain="later.myshopify.com")
    gone = oauth_shop(app, expires_in=60, domain="gone.myshopify.com")
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, gone)
        assert shop is not None
        shop.uninstalled_at = utcnow()
    shops.make(domain="custom.myshopify.com")  # a custom app's token never expires
    expect_refresh(shopify, domain="soon.myshopify.com")

    assert periodic.refresh_expiring_tokens() == 1
    assert [call.request.url for call in shopify.calls] == ["https://soon.myshopify.com/admin/oauth/access_token"]
    refreshed = stored_shop(app, "soon.myshopify.com")
    untouched = stored_shop(app, "later.myshopify.com")
    assert refreshed is not None and refreshed.id == soon
    assert decrypt(app, refreshed.access_token_enc) == "shpat_refreshed_soon.myshopify.com"
    assert untouched is not None and untouched.id == later
    assert decrypt(app, untouched.access_token_enc) == "shpat_old_later.myshopify.com"
    assert periodic.refresh_expiring_tokens() == 0  # nothing is due any more


def test_a_refused_refresh_is_logged_and_the_other_shops_still_refreshed(
    app: Flask, shopify: responses.RequestsMock
) -> None:
    oauth_shop(app, expires_in=60, domain="revoked.myshopify.com")
    oauth_shop(app, expires_in=120, domain="fine.myshopify.com")
    shopify.post("https://revoked.myshopify.com/admin/oauth/access_token", status=400, json={"error": "invalid"})
    expect_refresh(shopify, domain="fine.myshopify.com")
    assert periodic.refresh_expiring_tokens() == 1
    revoked = stored_shop(app, "revoked.myshopify.com")
    assert revoked is not None and decrypt(app, revoked.access_token_enc) == "shpat_old_revoked.myshopify.com"


def test_connector_for_an_oauth_shop_refreshes_an_expiring_token(app: Flask, shopify: responses.RequestsMock) -> None:
    oauth_shop(app, expires_in=30)
    expect_refresh(shopify)
    shop = stored_shop(app)  # detached, as a view or job may hold it
    assert shop is not None
    connector_for(app.extensions["setia_config"], app.extensions["setia_box"], shop).fetch_shop()
    assert shopify.calls[-1].request.headers["X-Shopify-Access-Token"] == f"shpat_refreshed_{SHOP_DOMAIN}"
    stored = stored_shop(app)
    assert stored is not None and decrypt(app, stored.refresh_token_enc) == "shprt_refreshed"


def test_a_401_from_the_admin_api_refreshes_the_token_once(app: Flask, shopify: responses.RequestsMock) -> None:
    oauth_shop(app, expires_in=3600)
    expect_refresh(shopify)
    config, box = app.extensions["setia_config"], app.extensions["setia_box"]
    with app.extensions["setia_db"].session() as session:
        shop = session.execute(select(Shop)).scalar_one()
        retry = connector_after_unauthorized(config, box, shop)
    retry.fetch_shop()
    assert shopify.calls[-1].request.headers["X-Shopify-Access-Token"] == f"shpat_refreshed_{SHOP_DOMAIN}"


def test_a_custom_app_shop_has_no_token_to_refresh_after_a_401(app: Flask, shops: Any) -> None:
    shops.make()
    with app.extensions["setia_db"].session() as session:
        shop = session.execute(select(Shop)).scalar_one()
        with pytest.raises(NotConnected):
            connector_after_unauthorized(app.extensions["setia_config"], app.extensions["setia_box"], shop)


# --- token exchange and the embedded settings page ------------------------------------------------


def expect_token_exchange(shopify: responses.RequestsMock, raw: str) -> None:
    shopify.post(
        TOKEN_URL,
        json=grant_body(access="shpat_exchanged"),
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "client_id": API_KEY,
                    "client_secret": APP_SECRET,
                    "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                    "subject_token": raw,
                    "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
                    "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
                    "expiring": "1",
                }
            )
        ],
    )


def test_token_exchange_route_installs_the_shop_of_the_session_token(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    raw = session_token()
    expect_token_exchange(shopify, raw)
    response = client.post("/auth/shopify/token-exchange", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json["shop"] == SHOP_DOMAIN
    shop = stored_shop(app)
    assert shop is not None and shop.install_kind == "oauth"
    assert decrypt(app, shop.access_token_enc) == "shpat_exchanged"
    assert decrypt(app, shop.refresh_token_enc) == "shprt_fresh"


def test_token_exchange_route_refuses_a_bad_session_token(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    raw = session_token(secret="not-the-app-secret")
    response = client.post("/auth/shopify/token-exchange", headers={"Authorization": f"Bearer {raw}"})
    _assert_refused(app, shopify, response, 401)


def test_first_embedded_load_of_a_new_shop_installs_it_by_token_exchange(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    raw = session_token()
    expect_token_exchange(shopify, raw)
    response = client.get("/admin/settings", query_string={"shop": SHOP_DOMAIN, "host": "aG9zdA", "id_token": raw})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<meta name="shopify-api-key" content="test-api-key">' in page
    assert '<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>' in page
    assert 'id="settings-form"' in page and "Toko Setia" in page
    assert 'name="csrf_token"' not in page  # the session token is the proof; no cookie, no CSRF
    assert "Set-Cookie" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors https://{SHOP_DOMAIN} https://admin.shopify.com" in policy
    assert "X-Frame-Options" not in response.headers
    shop = stored_shop(app)
    assert shop is not None and decrypt(app, shop.access_token_enc) == "shpat_exchanged"


def test_embedded_load_of_an_installed_shop_calls_nobody(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock
) -> None:
    oauth_shop(app, expires_in=3600)
    response = client.get("/admin/settings", query_string={"id_token": session_token()})
    assert response.status_code == 200 and 'id="settings-form"' in response.get_data(as_text=True)
    assert len(shopify.calls) == 0


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"exp": int(time.time()) - 120}, id="expired"),
        pytest.param({"aud": "another-app"}, id="wrong-audience"),
        pytest.param({"secret": "not-the-app-secret"}, id="wrong-signature"),
        pytest.param({"dest": f"https://{OTHER_DOMAIN}"}, id="dest-of-another-shop"),
        # When the test runs, not at collection: a long suite would make it valid again.
        pytest.param({"nbf": lambda now: now + 120}, id="nbf-in-the-future"),
    ],
)
def test_embedded_page_refuses_a_bad_session_token(
    app: Flask, client: FlaskClient, shopify: responses.RequestsMock, claims: dict[str, Any]
) -> None:
    oauth_shop(app, expires_in=3600)
    oauth_shop(app, expires_in=3600, domain=OTHER_DOMAIN)
    now = int(time.time())
    raw = session_token(**{key: value(now) if callable(value) else value for key, value in claims.items()})
    response = client.get("/admin/settings", query_string={"id_token": raw})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/login")
    assert "settings-form" not in response.get_data(as_text=True)
    assert len(shopify.calls) == 0
    api = client.patch("/admin/api/settings", json={"pending_days": 3}, headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 401


def shown(settings: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The settings `body` names, as `settings` holds them (one level of nesting deep)."""
    return {
        key: {sub: settings[key][sub] for sub in value} if isinstance(value, dict) else settings[key]
        for key, value in body.items()
    }


def test_settings_saved_through_the_embedded_fetch_with_a_session_token(app: Flask, client: FlaskClient) -> None:
    shop_id = oauth_shop(app, expires_in=3600)
    body = {
        "points_per_unit": "2.5",
        "cashback_percent": "3",
        "pending_days": 14,
        "award_test_orders": True,
        "cashback_store_credit": True,
        "unboxing": {"enabled": True, "discount_percent": "15", "expires_days": 60},
    }
    response = client.patch("/admin/api/settings", json=body, headers={"Authorization": f"Bearer {session_token()}"})
    assert response.status_code == 200
    assert shown(response.json["settings"], body) == body
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None and shown(current_settings(shop), body) == body
        change = session.execute(select(SettingsChange)).scalar_one()
        assert change.actor == "shopify:77"


def test_invalid_settings_answer_422_with_field_errors_and_change_nothing(app: Flask, client: FlaskClient) -> None:
    shop_id = oauth_shop(app, expires_in=3600)
    body = {"points_per_unit": "3", "pending_days": -1, "unboxing": {"discount_percent": "150"}}
    response = client.patch("/admin/api/settings", json=body, headers={"Authorization": f"Bearer {session_token()}"})
    assert response.status_code == 422
    details = response.json["details"]
    assert set(details) == {"pending_days", "unboxing"} and set(details["unboxing"]) == {"discount_percent"}
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None and current_settings(shop)["points_per_unit"] == "1"
        assert session.execute(select(SettingsChange)).first() is None


# --- outside Shopify: login links and cookie sessions ---------------------------------------------


def login_url(app: Flask, shop_ref: str) -> str:
    result = app.test_cli_runner().invoke(args=["shops", "login-link", shop_ref])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert re.fullmatch(r"https://setia\.test/admin/login/[A-Za-z0-9_\-.]+", url)
    return url.removeprefix("https://setia.test")


def test_login_link_works_once_and_not_twice(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    path = login_url(app, shop["domain"])
    response = client.get(path)
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/")
    cookie = response.headers["Set-Cookie"]
    for attribute in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/admin"):
        assert attribute in cookie
    page = client.get("/admin/settings")
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"

    again = app.test_client().get(path)
    assert again.status_code == 401 and "already been used" in again.get_data(as_text=True)
    assert "Set-Cookie" not in again.headers


def test_an_expired_login_link_is_refused(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    class SixteenMinutesAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 16 * 60

    token = URLSafeTimedSerializer(
        app.extensions["setia_config"].secret_key, salt=login_links.SALT, signer=SixteenMinutesAgo
    ).dumps({"shop": shop["id"], "id": "old-link"})
    response = client.get(f"/admin/login/{token}")
    assert response.status_code == 401 and "Set-Cookie" not in response.headers
    assert client.get("/admin/settings").status_code == 302


def test_a_forged_login_link_is_refused(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    token = URLSafeTimedSerializer("another-secret-key", salt=login_links.SALT).dumps({"shop": shop["id"], "id": "x"})
    assert client.get(f"/admin/login/{token}").status_code == 401


def test_login_link_for_an_unknown_shop_fails_in_the_cli(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["shops", "login-link", "nobody.myshopify.com"])
    assert result.exit_code == 1


def test_settings_page_without_a_session_sends_to_the_login_notice(client: FlaskClient, shop: dict[str, Any]) -> None:
    response = client.get("/admin/settings")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")
    notice = client.get("/admin/login")
    assert notice.status_code == 401
    assert "not signed in" in notice.get_data(as_text=True) and "settings-form" not in notice.get_data(as_text=True)
    assert client.patch("/admin/api/settings", json={"pending_days": 2}).status_code == 401


def _signed_in(app: Flask, client: FlaskClient, domain: str) -> str:
    client.get(login_url(app, domain))
    page = client.get("/admin/settings").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_a_change_without_the_csrf_token_is_refused(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    csrf = _signed_in(app, client, shop["domain"])
    missing = client.patch("/admin/api/settings", json={"pending_days": 5})
    assert missing.status_code == 400 and missing.json["error"] == "missing or wrong CSRF token"
    wrong = client.patch("/admin/api/settings", json={"pending_days": 5}, headers={"X-CSRF-Token": csrf + "x"})
    assert wrong.status_code == 400
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(SettingsChange)).first() is None
    saved = client.patch("/admin/api/settings", json={"pending_days": 5}, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200 and saved.json["settings"]["pending_days"] == 5
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(SettingsChange.actor)).scalar_one() == "login-link"


def test_page_content_is_escaped(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> None:
    with app.extensions["setia_db"].session() as session:
        row = session.get(Shop, shop["id"])
        assert row is not None
        row.name = '<script>alert("x")</script>'
    _signed_in(app, client, shop["domain"])
    page = client.get("/admin/settings").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_a_401_from_shopify_refreshes_the_token_once_and_repeats_the_call(
    app: Flask, shopify: responses.RequestsMock, admin: FakeShopify, deliver: Any
) -> None:
    shop_id = oauth_shop(app, expires_in=86400)  # valid for a day: no refresh before the call
    with app.extensions["setia_db"].session() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        shop.settings = {"unboxing": {"enabled": True}}
    app.extensions["setia_shop_secrets"].forget()
    admin.answer("SetiaDiscountCreate", {"errors": "[API] Invalid API key or access token"}, status=401)
    expect_refresh(shopify)
    created = {
        "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/9"}, "userErrors": []}
    }
    admin.answer("SetiaDiscountCreate", created)

    assert deliver("orders/paid", fake30()).status_code == 200

    graphql = [call.request for call in shopify.calls if call.request.url == GRAPHQL_URL]
    discounts = [request for request in graphql if "discountCodeBasicCreate" in json.loads(request.body)["query"]]
    tokens = [request.headers["X-Shopify-Access-Token"] for request in discounts]
    assert tokens == [f"shpat_old_{SHOP_DOMAIN}", f"shpat_refreshed_{SHOP_DOMAIN}"]
    # then the code goes on the order (metafields), with the refreshed token
    rest = [request for request in graphql if request not in discounts]
    assert all(request.headers["X-Shopify-Access-Token"] == f"shpat_refreshed_{SHOP_DOMAIN}" for request in rest)
    stored = stored_shop(app)
    assert stored is not None and decrypt(app, stored.access_token_enc) == f"shpat_refreshed_{SHOP_DOMAIN}"
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(Coupon.status)).scalars().all() == ["active"]

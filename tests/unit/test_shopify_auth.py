"""Shopify app authentication as pure functions: the OAuth HMAC (Shopify's published vector and
vectors computed by both official libraries, tests/fixtures/shopify/oauth_hmac_vectors.json), the
authorize URL, shop domains, the token endpoint (faked with `responses`, bodies checked) and App
Bridge session tokens."""

from __future__ import annotations

import json
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
import responses
from responses import matchers

from connectors.shopify import auth

SHOP = "setia-test.myshopify.com"
TOKEN_URL = f"https://{SHOP}/admin/oauth/access_token"
API_KEY = "test-api-key"
SECRET = "test-app-secret"
# The tests' app secret is shorter than Shopify's real ones; PyJWT warns about that.
pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
EXPIRING_GRANT = {
    "access_token": "shpat_new",
    "scope": "read_orders,write_discounts",
    "expires_in": 3600,
    "refresh_token": "shprt_new",
    "refresh_token_expires_in": 7776000,
}


@pytest.fixture()
def shopify() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


def session_token(shop: str = SHOP, secret: str = SECRET, **claims: Any) -> str:
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": API_KEY,
        "sub": "42",
        "exp": now + 60,
        "nbf": now - 1,
        "iat": now - 1,
        "jti": str(uuid.uuid4()),
        "sid": "session-1",
    }
    payload.update(claims)
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, algorithm="HS256")


# --- OAuth callback HMAC --------------------------------------------------------------------------


def test_oauth_hmac_matches_shopifys_published_example() -> None:
    params = {
        "code": "0907a61c0c8d55e99db179b68161bc00",
        "shop": "some-shop.myshopify.com",
        "state": "0.6784241404160823",
        "timestamp": "1337178173",
        "hmac": "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf",
    }
    assert auth.oauth_hmac(params, "hush") == params["hmac"]
    assert auth.verify_oauth_hmac(params, "hush")


def test_oauth_hmac_refuses_a_changed_parameter_another_secret_or_no_hmac() -> None:
    params = {"code": "c", "shop": SHOP, "state": "s", "timestamp": "1"}
    signed = {**params, "hmac": auth.oauth_hmac(params, SECRET)}
    assert auth.verify_oauth_hmac(signed, SECRET)
    assert not auth.verify_oauth_hmac({**signed, "shop": "other-shop.myshopify.com"}, SECRET)
    assert not auth.verify_oauth_hmac(signed, "another-secret")
    assert not auth.verify_oauth_hmac(params, SECRET)
    assert not auth.verify_oauth_hmac(signed, "")


VECTORS = json.loads((Path(__file__).parents[1] / "fixtures" / "shopify" / "oauth_hmac_vectors.json").read_text())[
    "vectors"
]


def vector_id(vector: dict[str, Any]) -> str:
    return str(vector["name"])


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_a_callback_signed_as_shopifys_js_library_signs_is_accepted(vector: dict[str, Any]) -> None:
    """Shopify signs the URL-encoded values (`host=...%3D`), as @shopify/shopify-api checks them."""
    query = dict(urllib.parse.parse_qsl(vector["query_js"], keep_blank_values=True))
    assert query == {**vector["params"], "hmac": vector["hmac_js"]}  # what the route decodes
    assert auth.oauth_hmac(vector["params"], vector["secret"]) == vector["hmac_js"]
    assert auth.verify_oauth_hmac(query, vector["secret"])


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_a_callback_signed_as_shopifys_python_library_signs_is_accepted(vector: dict[str, Any]) -> None:
    params = {**vector["params"], "hmac": vector["hmac_python"]}
    assert auth.python_library_oauth_hmac(vector["params"], vector["secret"]) == vector["hmac_python"]
    assert auth.verify_oauth_hmac(params, vector["secret"])


def test_the_two_libraries_disagree_once_a_value_holds_a_delimiter_or_padding() -> None:
    differ = {vector["name"] for vector in VECTORS if vector["hmac_js"] != vector["hmac_python"]}
    assert differ == {"host-with-one-padding-char", "host-with-two-padding-chars", "delimiters-spaces-and-unicode"}


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
@pytest.mark.parametrize("signed_by", ["hmac_js", "hmac_python"])
def test_a_changed_value_or_key_breaks_either_signature(vector: dict[str, Any], signed_by: str) -> None:
    params = {**vector["params"], "hmac": vector[signed_by]}
    secret = vector["secret"]
    assert not auth.verify_oauth_hmac({**params, "shop": "other-shop.myshopify.com"}, secret)
    assert not auth.verify_oauth_hmac({**params, "code": params["code"] + " "}, secret)
    assert not auth.verify_oauth_hmac({**params, "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZXZpbA=="}, secret)
    assert not auth.verify_oauth_hmac({**params, "embedded": "1"}, secret)
    assert not auth.verify_oauth_hmac({**params, "hmac": params["hmac"].upper()}, secret)
    assert not auth.verify_oauth_hmac(params, secret + "x")


def test_a_value_no_library_could_sign_is_refused_without_an_error() -> None:
    params = {"code": "c", "shop": SHOP, "state": "\ud800", "timestamp": "1"}
    assert not auth.verify_oauth_hmac({**params, "hmac": "0" * 64}, SECRET)
    assert not auth.verify_oauth_hmac({**params, "state": "s", "hmac": "\udc80"}, SECRET)


def test_callback_timestamp_must_be_recent_and_not_from_the_future() -> None:
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    age, skew = timedelta(minutes=10), timedelta(minutes=1)
    assert auth.is_recent(str(int(now.timestamp()) - 60), now, age, skew)
    assert not auth.is_recent(str(int(now.timestamp()) - 11 * 60), now, age, skew)
    assert not auth.is_recent(str(int(now.timestamp()) + 5 * 60), now, age, skew)
    assert not auth.is_recent("yesterday", now, age, skew)
    assert not auth.is_recent(None, now, age, skew)


# --- the grant screen and shop domains ------------------------------------------------------------


def test_authorize_url_asks_for_an_offline_token_with_state() -> None:
    url = auth.authorize_url(SHOP, API_KEY, "read_orders,write_discounts", "https://setia.test/cb", "nonce-1")
    parts = urllib.parse.urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", SHOP, "/admin/oauth/authorize")
    assert urllib.parse.parse_qs(parts.query) == {
        "client_id": [API_KEY],
        "scope": ["read_orders,write_discounts"],
        "redirect_uri": ["https://setia.test/cb"],
        "state": ["nonce-1"],
    }  # no grant_options[]=per-user: offline


@pytest.mark.parametrize("domain", [SHOP, "a.myshopify.com", "shop-2.myshopify.com"])
def test_shop_domains_that_are_shopifys(domain: str) -> None:
    assert auth.is_shop_domain(domain)


@pytest.mark.parametrize(
    "domain",
    [
        "evil.com",
        "x.myshopify.com.evil.com",
        "https://evil.com/x.myshopify.com",
        "https://x.myshopify.com",
        "x.myshopify.com/admin",
        "-x.myshopify.com",
        "admin.shopify.com/store/x",
        "x.myshopify.com\n",
        "",
    ],
)
def test_anything_else_is_not_a_shop_domain(domain: str) -> None:
    assert not auth.is_shop_domain(domain)
    with pytest.raises(ValueError):
        auth.authorize_url(domain, API_KEY, "read_orders", "https://setia.test/cb", "s")


def test_missing_scopes_counts_a_write_scope_as_its_read_scope() -> None:
    assert auth.missing_scopes("read_orders,write_discounts", "write_orders,write_discounts") == []
    assert auth.missing_scopes("read_orders,write_discounts", "read_orders,read_discounts") == ["write_discounts"]


# --- the token endpoint ---------------------------------------------------------------------------


def test_code_exchange_asks_for_an_expiring_offline_token(shopify: responses.RequestsMock) -> None:
    shopify.post(
        TOKEN_URL,
        json=EXPIRING_GRANT,
        match=[
            matchers.urlencoded_params_matcher(
                {"client_id": API_KEY, "client_secret": SECRET, "code": "the-code", "expiring": "1"}
            )
        ],
    )
    grant = auth.exchange_code(SHOP, "the-code", API_KEY, SECRET)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert grant.access_token == "shpat_new"
    assert grant.refresh_token == "shprt_new"
    assert grant.scope == "read_orders,write_discounts"
    assert grant.access_expires_at(now) == now + timedelta(hours=1)
    assert grant.refresh_expires_at(now) == now + timedelta(days=90)


def test_refresh_sends_the_refresh_token_grant(shopify: responses.RequestsMock) -> None:
    shopify.post(
        TOKEN_URL,
        json=EXPIRING_GRANT,
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "client_id": API_KEY,
                    "client_secret": SECRET,
                    "grant_type": "refresh_token",
                    "refresh_token": "shprt_old",
                }
            )
        ],
    )
    assert auth.refresh_access_token(SHOP, "shprt_old", API_KEY, SECRET).access_token == "shpat_new"


def test_token_exchange_trades_the_session_token_for_an_expiring_offline_token(
    shopify: responses.RequestsMock,
) -> None:
    raw = session_token()
    shopify.post(
        TOKEN_URL,
        json=EXPIRING_GRANT,
        match=[
            matchers.urlencoded_params_matcher(
                {
                    "client_id": API_KEY,
                    "client_secret": SECRET,
                    "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                    "subject_token": raw,
                    "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
                    "requested_token_type": "urn:shopify:params:oauth:token-type:offline-access-token",
                    "expiring": "1",
                }
            )
        ],
    )
    assert auth.exchange_session_token(SHOP, raw, API_KEY, SECRET).refresh_token == "shprt_new"


def test_token_calls_go_to_the_mock_origin_when_one_is_set(shopify: responses.RequestsMock) -> None:
    shopify.post("http://127.0.0.1:9999/admin/oauth/access_token", json=EXPIRING_GRANT)
    auth.exchange_code(SHOP, "c", API_KEY, SECRET, base_url="http://127.0.0.1:9999")
    assert len(shopify.calls) == 1


def test_a_refused_code_is_final_and_a_server_error_retryable(shopify: responses.RequestsMock) -> None:
    shopify.post(TOKEN_URL, status=400, json={"error": "invalid_request"})
    shopify.post(TOKEN_URL, status=503)
    with pytest.raises(auth.TokenRequestFailed) as refused:
        auth.exchange_code(SHOP, "used-code", API_KEY, SECRET)
    assert (refused.value.retryable, refused.value.status) == (False, 400)
    with pytest.raises(auth.TokenRequestFailed) as down:
        auth.exchange_code(SHOP, "c", API_KEY, SECRET)
    assert down.value.retryable


def test_an_answer_without_an_access_token_is_refused(shopify: responses.RequestsMock) -> None:
    shopify.post(TOKEN_URL, json={"error": "nope"})
    with pytest.raises(auth.TokenRequestFailed):
        auth.exchange_code(SHOP, "c", API_KEY, SECRET)


def test_no_token_call_for_a_domain_that_is_not_a_shop(shopify: responses.RequestsMock) -> None:
    with pytest.raises(ValueError):
        auth.exchange_code("evil.com", "c", API_KEY, SECRET)
    assert len(shopify.calls) == 0


# --- session tokens -------------------------------------------------------------------------------


def test_a_good_session_token_names_its_shop_and_staff_member() -> None:
    token = auth.verify_session_token(session_token(), API_KEY, SECRET)
    assert (token.shop, token.user_id, token.session_id) == (SHOP, "42", "session-1")


def test_a_session_token_just_past_exp_is_accepted_within_the_leeway() -> None:
    assert auth.verify_session_token(session_token(exp=int(time.time()) - 5), API_KEY, SECRET).shop == SHOP


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: session_token(exp=int(time.time()) - 60), id="expired"),
        pytest.param(lambda: session_token(nbf=int(time.time()) + 60), id="nbf-in-the-future"),
        pytest.param(lambda: session_token(aud="another-app"), id="wrong-audience"),
        pytest.param(lambda: session_token(secret="not-the-app-secret"), id="wrong-signature"),
        pytest.param(lambda: session_token(dest="https://other-shop.myshopify.com"), id="dest-of-another-shop"),
        pytest.param(lambda: session_token(shop="evil.com"), id="not-a-shop"),
        pytest.param(lambda: session_token(iss=f"https://{SHOP}"), id="iss-without-admin"),
        pytest.param(lambda: session_token(dest=f"http://{SHOP}", iss=f"http://{SHOP}/admin"), id="http"),
        pytest.param(lambda: session_token(sub=None), id="no-sub"),
        pytest.param(lambda: session_token(exp=None), id="no-exp"),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
        pytest.param(lambda: "", id="empty"),
    ],
)
def test_bad_session_tokens_are_refused(token: Any) -> None:
    with pytest.raises(auth.InvalidSessionToken):
        auth.verify_session_token(token(), API_KEY, SECRET)


def test_an_unsigned_session_token_is_refused() -> None:
    claims = jwt.decode(session_token(), options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(auth.InvalidSessionToken):
        auth.verify_session_token(unsigned, API_KEY, SECRET)

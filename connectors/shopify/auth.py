"""Shopify app authentication: the OAuth grant (authorize URL, callback HMAC, code exchange), expiring
offline tokens (refresh, token exchange) and App Bridge session tokens. Plain functions over
`requests` and PyJWT; the Flask routes that use them live in integrator/ (research/shopify.md §1, §2)."""

from __future__ import annotations

import hashlib
import hmac
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import requests
import shopify  # ShopifyAPI, for the Python library's OAuth HMAC

from connectors.base import PlatformError

TIMEOUT = 10
# The anchored form of Shopify's own pattern (research/shopify.md §1.4).
# fullmatch, not match: `$` would also accept a trailing newline.
SHOP_DOMAIN = re.compile(r"[a-z0-9][a-z0-9\-]*\.myshopify\.com")
# Session tokens live one minute; Shopify's own libraries allow 10 s of clock skew.
SESSION_TOKEN_LEEWAY = 10
# Token exchange's names (RFC 8693 and Shopify's own token type), not secrets.
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"  # noqa: S105


class TokenRequestFailed(PlatformError):
    """Shopify's token endpoint refused the code, refresh token or session token."""


class InvalidSessionToken(ValueError):
    """An App Bridge session token that is not Shopify's, not for this app, or not valid now."""


@dataclass(frozen=True)
class TokenGrant:
    """An answer of /admin/oauth/access_token. Expiring offline tokens carry all four lifetimes."""

    access_token: str
    scope: str
    expires_in: int | None = None
    refresh_token: str | None = None
    refresh_token_expires_in: int | None = None

    def access_expires_at(self, now: datetime) -> datetime | None:
        return now + timedelta(seconds=self.expires_in) if self.expires_in is not None else None

    def refresh_expires_at(self, now: datetime) -> datetime | None:
        if self.refresh_token_expires_in is None:
            return None
        return now + timedelta(seconds=self.refresh_token_expires_in)


@dataclass(frozen=True)
class SessionToken:
    shop: str  # NAME.myshopify.com, from `dest`
    user_id: str  # `sub`: the staff member using the admin
    session_id: str | None
    expires_at: datetime


def is_shop_domain(value: str) -> bool:
    return bool(SHOP_DOMAIN.fullmatch(value))


def authorize_url(shop: str, api_key: str, scopes: str, redirect_uri: str, state: str) -> str:
    """The grant screen. No `grant_options[]`: an offline token, the kind background jobs need."""
    if not is_shop_domain(shop):
        raise ValueError(f"not a shop domain: {shop!r}")
    query = urllib.parse.urlencode(
        {"client_id": api_key, "scope": scopes, "redirect_uri": redirect_uri, "state": state}
    )
    return f"https://{shop}/admin/oauth/authorize?{query}"


def _form_encoded(text: str) -> str:
    """`text` as URLSearchParams.toString() writes it (WHATWG application/x-www-form-urlencoded):
    UTF-8, space as `+`, only letters, digits and `*-._` left bare. quote_plus leaves `~` bare too."""
    return urllib.parse.quote_plus(text, safe="*").replace("~", "%7E")


def oauth_hmac(params: Mapping[str, str], secret: str) -> str:
    """The callback HMAC as Shopify sends it and `@shopify/shopify-api` checks it (`generateLocalHmac`):
    hex HMAC-SHA256 over the sorted `key=value` pairs joined with `&`, keys and values URL-encoded
    again (a `host` padded with `=` is signed as `%3D`), `hmac` and `signature` left out (§1.3).
    `params` are the decoded query values. Keys sort by code point; the library's localeCompare
    gives the same order for the lowercase keys Shopify sends."""
    pairs = sorted((key, value) for key, value in params.items() if key not in ("hmac", "signature"))
    message = "&".join(f"{_form_encoded(key)}={_form_encoded(value)}" for key, value in pairs)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def python_library_oauth_hmac(params: Mapping[str, str], secret: str) -> str:
    """The callback HMAC as the ShopifyAPI package computes it (`shopify.Session.calculate_hmac`):
    decoded values with only `%` and `&` escaped (and `=` in keys). The secret goes on a throwaway
    subclass because the library reads it from a class attribute shared by every thread."""
    signer: Any = type("AppSession", (shopify.Session,), {"secret": secret})
    return str(signer.calculate_hmac(dict(params)))


def verify_oauth_hmac(params: Mapping[str, str], secret: str) -> bool:
    """True when `hmac` is what either of Shopify's official libraries accepts for these decoded
    query values and this app secret."""
    given = params.get("hmac") or ""
    if not given or not secret:
        return False
    try:
        expected = (oauth_hmac(params, secret), python_library_oauth_hmac(params, secret))
        given_bytes = given.encode()
    except UnicodeEncodeError:  # a lone surrogate: no library could have signed it
        return False
    matches = [hmac.compare_digest(digest.encode(), given_bytes) for digest in expected]  # both, always
    return any(matches)


def is_recent(timestamp: str | None, now: datetime, max_age: timedelta, skew: timedelta) -> bool:
    """A callback's `timestamp` (Unix seconds) is at most `max_age` old and not from the future."""
    try:
        moment = datetime.fromtimestamp(int(timestamp or ""), UTC)
    except (ValueError, OverflowError, OSError):
        return False
    return now - max_age <= moment <= now + skew


def missing_scopes(requested: str, granted: str) -> list[str]:
    """Requested scopes the merchant did not grant; a write scope covers its read scope."""
    have = {scope.strip() for scope in granted.split(",") if scope.strip()}
    have |= {"read_" + scope.removeprefix("write_") for scope in have if scope.startswith("write_")}
    return [scope for scope in (s.strip() for s in requested.split(",")) if scope and scope not in have]


def _token_url(shop: str, base_url: str | None) -> str:
    if not is_shop_domain(shop):
        raise ValueError(f"not a shop domain: {shop!r}")
    return f"{base_url or 'https://' + shop}/admin/oauth/access_token"


def _to_grant(body: Any) -> TokenGrant:
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise TokenRequestFailed("Shopify's token answer has no access_token", False)

    def seconds(key: str) -> int | None:
        value = body.get(key)
        return int(value) if isinstance(value, int | str) and str(value).isascii() and str(value).isdigit() else None

    refresh = body.get("refresh_token")
    return TokenGrant(
        access_token=body["access_token"],
        scope=str(body.get("scope") or ""),
        expires_in=seconds("expires_in"),
        refresh_token=refresh if isinstance(refresh, str) else None,
        refresh_token_expires_in=seconds("refresh_token_expires_in"),
    )


def request_token(shop: str, form: dict[str, str], base_url: str | None = None) -> TokenGrant:
    """POST the form to the shop's token endpoint; 4xx is final (bad code or token), the rest retryable."""
    try:
        response = requests.post(
            _token_url(shop, base_url), data=form, headers={"Accept": "application/json"}, timeout=TIMEOUT
        )
    except requests.RequestException as exc:
        raise TokenRequestFailed(f"Shopify unreachable: {exc}") from exc
    if response.status_code != 200:
        retryable = response.status_code == 429 or response.status_code >= 500
        raise TokenRequestFailed(
            f"Shopify's token endpoint answered {response.status_code}", retryable, response.status_code
        )
    try:
        return _to_grant(response.json())
    except ValueError as exc:
        raise TokenRequestFailed("Shopify's token answer is not JSON", False) from exc


def exchange_code(shop: str, code: str, api_key: str, secret: str, base_url: str | None = None) -> TokenGrant:
    """The callback's code for an expiring offline token (60 min) and its refresh token (90 days)."""
    form = {"client_id": api_key, "client_secret": secret, "code": code, "expiring": "1"}
    return request_token(shop, form, base_url)


def refresh_access_token(
    shop: str, refresh_token: str, api_key: str, secret: str, base_url: str | None = None
) -> TokenGrant:
    """A new access token and a new refresh token; the old refresh token stops working."""
    form = {
        "client_id": api_key,
        "client_secret": secret,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }
    return request_token(shop, form, base_url)


def exchange_session_token(
    shop: str, session_token: str, api_key: str, secret: str, base_url: str | None = None
) -> TokenGrant:
    """Token exchange (Shopify managed installation): an App Bridge session token for an expiring
    offline token."""
    form = {
        "client_id": api_key,
        "client_secret": secret,
        "grant_type": TOKEN_EXCHANGE,
        "subject_token": session_token,
        "subject_token_type": ID_TOKEN,
        "requested_token_type": OFFLINE_TOKEN,
        "expiring": "1",
    }
    return request_token(shop, form, base_url)


def _shop_of(claims: dict[str, Any]) -> str:
    """`dest` is https://NAME.myshopify.com and `iss` the same shop's /admin, or the token is refused."""
    dest, iss = str(claims.get("dest") or ""), str(claims.get("iss") or "")
    shop = dest.removeprefix("https://")
    if not dest.startswith("https://") or not is_shop_domain(shop):
        raise InvalidSessionToken("dest is not a shop")
    if iss != f"{dest}/admin":
        raise InvalidSessionToken("iss and dest name different shops")
    return shop


def _decode_session_token(token: str, api_key: str, secret: str, required: list[str]) -> dict[str, Any]:
    """The claims of a Shopify session token (admin or checkout): HS256 with the app secret, for this
    app (`aud`), valid now (`exp`, `nbf`, 10 s leeway), with every `required` claim present."""
    if not token or not api_key or not secret:
        raise InvalidSessionToken("no session token")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=api_key,
            leeway=SESSION_TOKEN_LEEWAY,
            options={"require": required},
        )
    except jwt.PyJWTError as exc:
        raise InvalidSessionToken(str(exc)) from exc
    return claims


def verify_session_token(token: str, api_key: str, secret: str) -> SessionToken:
    """Check an App Bridge session token: HS256 with the app secret, for this app (`aud`), valid now
    (`exp`, `nbf`, 10 s leeway), issued by the shop it is for (`iss`, `dest`)."""
    claims = _decode_session_token(token, api_key, secret, ["exp", "nbf", "iss", "dest", "aud", "sub"])
    return SessionToken(
        shop=_shop_of(claims),
        user_id=str(claims["sub"]),
        session_id=str(claims["sid"]) if claims.get("sid") else None,
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
    )


@dataclass(frozen=True)
class CheckoutSessionToken:
    shop: str  # NAME.myshopify.com, from `dest`
    customer_id: str | None  # from `sub` (gid://shopify/Customer/<id>): only for a logged-in buyer
    expires_at: datetime


CUSTOMER_GID = re.compile(r"gid://shopify/Customer/(\d{1,20})")


def verify_checkout_session_token(token: str, api_key: str, secret: str) -> CheckoutSessionToken:
    """Check a Checkout UI extension's session token (`shopify.sessionToken.get()` on the thank-you
    and order-status pages): HS256 with the app secret, for this app (`aud`), valid now (`exp`,
    `nbf`, 10 s leeway; they live 5 minutes), `dest` the shop's myshopify domain. Unlike the admin's
    token it has no `iss`; `sub` is the buyer's customer gid, present only when the buyer is logged in
    and the app may read customers (research/shopify.md §2.2, Shopify's Session Token API)."""
    claims = _decode_session_token(token, api_key, secret, ["exp", "nbf", "dest", "aud"])
    shop = str(claims.get("dest") or "").removeprefix("https://")
    if not is_shop_domain(shop):
        raise InvalidSessionToken("dest is not a shop")
    subject = claims.get("sub")
    customer = CUSTOMER_GID.fullmatch(str(subject)) if subject is not None else None
    if subject is not None and customer is None:
        raise InvalidSessionToken("sub is not a customer")
    return CheckoutSessionToken(
        shop=shop,
        customer_id=customer.group(1) if customer else None,
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
    )

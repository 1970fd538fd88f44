"""Outbound webhooks: the payload `{"type", "timestamp", "data"}` signed as the Standard Webhooks
specification says (the `standardwebhooks` library: `webhook-id`, `webhook-timestamp`,
`webhook-signature: v1,<base64 HMAC-SHA256>`), POSTed through the SSRF guard of store URLs
(connectors/url_guard.py: public addresses only, the connection pinned to the checked address,
no redirects followed, the answer read within a bound and a deadline)."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from standardwebhooks import Webhook

from connectors.base import PlatformError
from connectors.url_guard import UrlRefused, pin_url, pinned_session, read_bounded

TIMEOUT = (5.0, 10.0)  # connect, read (seconds)
ANSWER_BYTES = 64 * 1024
ANSWER_SECONDS = 15.0
USER_AGENT = "Setia-Webhooks/1"


class EndpointUrlRefused(UrlRefused):
    """An endpoint URL Setia will not call (not https/http, malformed, or a non-public address)."""


def new_secret() -> str:
    """`whsec_` and 24 random bytes in base64, as Standard Webhooks secrets are written."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def check_url(url: str, allow_private: bool) -> str:
    """The endpoint URL normalised, or EndpointUrlRefused (the store URLs' guard)."""
    if len(url) > 2000:
        raise EndpointUrlRefused("endpoint URLs are at most 2000 characters")
    normalised, _ = pin_url(url, allow_private, EndpointUrlRefused, "endpoint URLs")
    query = url.split("?", 1)[1] if "?" in url else ""
    return f"{normalised}?{query}" if query else normalised


def payload(event_type: str, created_at: datetime, data: dict[str, Any]) -> bytes:
    return json.dumps({"type": event_type, "timestamp": created_at.isoformat(), "data": data}).encode()


@dataclass(frozen=True)
class Answer:
    ok: bool
    status: int | None
    error: str | None


def post(url: str, secret: str, message_id: str, body: bytes, now: datetime, allow_private: bool) -> Answer:
    """One attempt. A 2xx answer is a delivery; anything else (another status, a timeout, a refused
    connection, a URL that now resolves inside) is an error the caller retries."""
    timestamp = now.replace(microsecond=0)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, timestamp, body),
    }
    try:
        _, pins = pin_url(url, allow_private, EndpointUrlRefused, "endpoint URLs")
        session = pinned_session(pins) if pins else _plain_session()
        with session:
            response = session.post(
                url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False, stream=True
            )
            try:
                read_bounded(response, ANSWER_BYTES, ANSWER_SECONDS)
            finally:
                response.close()
    except UrlRefused as exc:
        return Answer(False, None, f"refused: {exc}")
    except requests.Timeout:
        return Answer(False, None, "timed out")
    except (requests.RequestException, PlatformError) as exc:
        return Answer(False, None, f"{exc.__class__.__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return Answer(True, response.status_code, None)
    return Answer(False, response.status_code, f"HTTP {response.status_code}")


def _plain_session() -> requests.Session:
    """ALLOW_PRIVATE_STORE_URLS (development and tests): nothing to pin; still no proxies."""
    session = requests.Session()
    session.trust_env = False
    return session

"""Connecting a WooCommerce store: the SSRF guard on store URLs (every address the host resolves to
must be public, and connections go to the address checked: transport.py), the wc-auth authorize URL,
and a requests session that checks every redirect hop (research/woocommerce.md §1, DESIGN.md "Security")."""

from __future__ import annotations

import urllib.parse
from typing import Any

import requests

from connectors.url_guard import IPAddress, PinnedAdapter, UrlRefused, checked_url, pin_url


class StoreUrlRefused(UrlRefused):
    """A store URL we will not call: not http(s), malformed, or reaching a non-public address."""


def _checked(url: str, allow_private: bool) -> tuple[str, str, list[IPAddress]]:
    """(normalised URL, host, the addresses it resolved to, all public), or StoreUrlRefused."""
    return checked_url(url, allow_private, StoreUrlRefused, "store URLs")


def check_store_url(url: str, allow_private: bool) -> str:
    """The store URL normalised (lower-case scheme and host, no trailing slash, no query), or
    StoreUrlRefused. Every address the host resolves to must be public unless `allow_private`."""
    return _checked(url, allow_private)[0]


def pin_store_url(url: str, allow_private: bool) -> tuple[str, dict[str, str]]:
    """check_store_url, and the address to connect its host to (url_guard.pin_url)."""
    return pin_url(url, allow_private, StoreUrlRefused, "store URLs")


def authorize_url(store_url: str, app_name: str, nonce: str, return_url: str, callback_url: str) -> str:
    """The store's grant screen; `user_id` carries our one-time nonce back in the callback (§1.1)."""
    query = urllib.parse.urlencode(
        {
            "app_name": app_name,
            "scope": "read_write",
            "user_id": nonce,
            "return_url": return_url,
            "callback_url": callback_url,
        }
    )
    return f"{store_url.rstrip('/')}/wc-auth/v1/authorize?{query}"


class GuardedSession(requests.Session):
    """A session that checks the first URL and every redirect target with the guard, so a public
    store cannot bounce us to an internal address, and connects each to the address checked."""

    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private
        self.pinned = PinnedAdapter({})
        if not allow_private:
            self.trust_env = False  # a proxy from the environment would resolve hosts itself
            self.mount("https://", self.pinned)
            self.mount("http://", self.pinned)

    def _check(self, url: str) -> None:
        self.pinned.pins.update(pin_store_url(url, self.allow_private)[1])

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        self._check(url.decode() if isinstance(url, bytes) else url)
        return super().request(method, url, *args, **kwargs)

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        if target:
            self._check(urllib.parse.urljoin(resp.url, target))
        return target


def check_redirect(response: requests.Response, allow_private: bool) -> str | None:
    """For a response fetched with allow_redirects=False: the redirect target (checked by the guard,
    StoreUrlRefused when it points inside), or None when the response is not a redirect."""
    location = response.headers.get("Location")
    if not response.is_redirect or not location:
        return None
    target = urllib.parse.urljoin(response.url, location)
    check_store_url(target, allow_private)
    return target

"""Every HTTP call to a WooCommerce store connects to the address the SSRF guard checked, never to
whatever the store's DNS answers a moment later (DNS rebinding: public when checked, internal when
connecting). The store's host name still goes in the Host header, in TLS SNI and in certificate
verification, so a pinned https store is verified exactly as an unpinned one."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import requests
from requests.auth import HTTPBasicAuth
from woocommerce import API

# The guard's transport (url_guard.py), named here too: the store client and its tests use it.
from connectors.url_guard import AnswerRefused as AnswerRefused
from connectors.url_guard import PinnedAdapter as PinnedAdapter
from connectors.url_guard import pinned_session as pinned_session
from connectors.url_guard import read_bounded

# One answer from a store is read whole into memory: refuse one larger than this (a page of 100
# orders is well under 2 MiB), or one still arriving after BODY_SECONDS (the read timeout only
# bounds the wait for each next chunk, so a store dripping a byte at a time would never hit it).
MAX_BODY_BYTES = 16 * 1024 * 1024
BODY_SECONDS = 20.0


class StoreAPI(API):  # the woocommerce package has no type hints: API is Any to mypy
    """The `woocommerce` package's API client, sending through the given session instead of a new
    `requests.request` per call. The request is made as the package makes it (research §6): Basic
    auth over https, OAuth 1.0a query signing over http, the body as UTF-8 JSON. The answer is read
    within MAX_BODY_BYTES and BODY_SECONDS (AnswerRefused otherwise)."""

    def __init__(self, session: requests.Session, url: str, consumer_key: str, consumer_secret: str, **kwargs: Any):
        super().__init__(url, consumer_key, consumer_secret, **kwargs)
        self.session = session

    def _API__request(  # overrides API.__request (name-mangled), the package's one transport call
        self, method: str, endpoint: str, data: Any, params: dict[str, Any] | None = None, **kwargs: Any
    ) -> requests.Response:
        params = dict(params or {})
        url = self._API__get_url(endpoint)
        auth = None
        headers = {"user-agent": self.user_agent, "accept": "application/json"}
        if self.is_ssl and not self.query_string_auth:
            auth = HTTPBasicAuth(self.consumer_key, self.consumer_secret)
        elif self.is_ssl:
            params.update({"consumer_key": self.consumer_key, "consumer_secret": self.consumer_secret})
        else:
            url = self._API__get_oauth_url(f"{url}?{urlencode(params)}", method)
        body = None
        if data is not None:
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            headers["content-type"] = "application/json;charset=utf-8"
        response: requests.Response = self.session.request(
            method=method,
            url=url,
            verify=self.verify_ssl,
            auth=auth,
            params=params,
            data=body,
            timeout=self.timeout,
            headers=headers,
            stream=True,
            **kwargs,
        )
        read_bounded(response, MAX_BODY_BYTES, BODY_SECONDS)
        return response

"""Every HTTP call to a WooCommerce store connects to the address the SSRF guard checked, never to
whatever the store's DNS answers a moment later (DNS rebinding: public when checked, internal when
connecting). The store's host name still goes in the Host header, in TLS SNI and in certificate
verification, so a pinned https store is verified exactly as an unpinned one."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.auth import HTTPBasicAuth
from requests.structures import CaseInsensitiveDict
from woocommerce import API

from connectors.base import PlatformError

if TYPE_CHECKING:  # types-requests' names for what the adapter hands urllib3
    from requests.adapters import _HostParams, _PoolKwargs


# One answer from a store is read whole into memory: refuse one larger than this (a page of 100
# orders is well under 2 MiB), or one still arriving after BODY_SECONDS (the read timeout only
# bounds the wait for each next chunk, so a store dripping a byte at a time would never hit it).
MAX_BODY_BYTES = 16 * 1024 * 1024
BODY_SECONDS = 20.0
CHUNK = 64 * 1024


class AnswerRefused(PlatformError):
    """A store's answer too large or too slow to read: the store misbehaves, trying again won't help."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


def read_bounded(response: requests.Response, max_bytes: int, seconds: float) -> None:
    """Read a streamed response's body into it (as `response.content`), or AnswerRefused and the
    connection closed once it passes `max_bytes` (decoded: a gzip bomb counts as what it inflates
    to) or takes longer than `seconds`. read1 returns what has arrived, so a store dripping bytes
    is timed between reads, not once a whole chunk has trickled in."""
    deadline, body = time.monotonic() + seconds, bytearray()
    try:
        while chunk := response.raw.read1(CHUNK, decode_content=True):
            body += chunk
            problem = None
            if len(body) > max_bytes:
                problem = f"an answer over {max_bytes} bytes"
            elif time.monotonic() > deadline:
                problem = f"an answer still arriving after {seconds:g} s"
            if problem:
                response.close()
                raise AnswerRefused(f"{response.url.split('?')[0]} sent {problem}")
    except urllib3.exceptions.HTTPError as exc:  # what requests' own reading would raise as its error
        response.close()
        raise requests.exceptions.ConnectionError(exc, response=response) from exc
    response._content = bytes(body)
    response.raw.release_conn()


class PinnedAdapter(HTTPAdapter):
    """A requests transport adapter that connects each checked host name to its checked address
    (`pins`: host → IP). A host it was not given is refused, not resolved."""

    def __init__(self, pins: Mapping[str, str]) -> None:
        self.pins = {host.lower(): address for host, address in pins.items()}
        super().__init__()

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[_HostParams, _PoolKwargs]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        tls = cast(dict[str, Any], pool_kwargs)
        host, port = str(host_params.get("host") or ""), host_params.get("port")
        address = self.pins.get(host.lower())
        if address is None:
            raise requests.exceptions.InvalidURL(f"{host or request.url} was not checked by the store URL guard")
        # A copy: the caller's header mapping may be shared between requests.
        request.headers = CaseInsensitiveDict(request.headers or {})
        named = f"[{host}]" if ":" in host else host
        request.headers["Host"] = f"{named}:{port}" if port is not None else named
        if host_params.get("scheme") == "https":
            tls["server_hostname"] = host  # SNI
            tls["assert_hostname"] = host  # the certificate must name the host, not the address
        host_params["host"] = f"[{address}]" if ":" in address else address
        return host_params, pool_kwargs


def pinned_session(pins: Mapping[str, str]) -> requests.Session:
    """A session whose every connection goes to the pinned addresses. No proxies from the
    environment: a proxy would resolve the host itself."""
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter(pins)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


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

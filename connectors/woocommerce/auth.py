"""Connecting a WooCommerce store: the SSRF guard on store URLs (every address the host resolves to
must be public, and connections go to the address checked: transport.py), the wc-auth authorize URL,
and a requests session that checks every redirect hop (research/woocommerce.md §1, DESIGN.md "Security")."""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from typing import Any

import requests

from .transport import PinnedAdapter

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata endpoints, named for a clearer refusal (link-local or private anyway).
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
# IPv6 ranges that carry an IPv4 address to a relay or translator (RFC 3056, 4380, 6052, 8215, 4291
# §2.5.5.1): a connection there may end at any IPv4 host, loopback and private ones included, and
# Python's own tables for them differ between versions. No store is reached only through one.
TRANSITION = (
    (ipaddress.ip_network("2002::/16"), "6to4"),
    (ipaddress.ip_network("2001::/32"), "Teredo"),
    (ipaddress.ip_network("64:ff9b::/96"), "NAT64"),
    (ipaddress.ip_network("64:ff9b:1::/48"), "NAT64"),
    (ipaddress.ip_network("::/96"), "IPv4-compatible"),
)


class StoreUrlRefused(ValueError):
    """A store URL we will not call: not http(s), malformed, or reaching a non-public address."""


def _refusal(address: IPAddress) -> str | None:
    """Why an address is not a public one, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d to the kernel
            return _refusal(address.ipv4_mapped)
        for network, name in TRANSITION:
            if address in network and address not in (ipaddress.IPv6Address("::"), ipaddress.IPv6Address("::1")):
                return f"a {name} address (IPv4 through a relay or translator)"
    if address in METADATA:
        return "a cloud metadata address"
    checks = (
        ("loopback", address.is_loopback),
        ("private", address.is_private),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
        ("not global", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return f"a {name} address"
    return None


def _literal(host: str) -> IPAddress | None:
    """The address a host names literally, in any form the C resolver accepts (2130706433,
    0x7f000001, 0177.0.0.1, 127.1 all mean 127.0.0.1 to inet_aton)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise StoreUrlRefused(f"cannot resolve {host}: {exc}") from exc
    # Drop an IPv6 zone ("fe80::1%eth0") before parsing.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _checked(url: str, allow_private: bool) -> tuple[str, str, list[IPAddress]]:
    """(normalised URL, host, the addresses it resolved to, all public), or StoreUrlRefused."""
    try:
        parts = urllib.parse.urlsplit((url or "").strip())
        port = parts.port
    except ValueError as exc:
        raise StoreUrlRefused(f"not a URL: {url!r}") from exc
    scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https"):
        raise StoreUrlRefused(f"store URLs must be http or https, not {scheme or 'nothing'!r}")
    if not host:
        raise StoreUrlRefused(f"no host in {url!r}")
    if parts.username or parts.password:
        raise StoreUrlRefused("store URLs must not carry a user name or password")
    addresses: list[IPAddress] = []
    if not allow_private:
        addresses = _resolve(host, port or (443 if scheme == "https" else 80))
        for address in addresses:
            reason = _refusal(address)
            if reason:
                raise StoreUrlRefused(f"{host} resolves to {address}, {reason}")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urllib.parse.urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", "")), host, addresses


def check_store_url(url: str, allow_private: bool) -> str:
    """The store URL normalised (lower-case scheme and host, no trailing slash, no query), or
    StoreUrlRefused. Every address the host resolves to must be public unless `allow_private`."""
    return _checked(url, allow_private)[0]


def pin_store_url(url: str, allow_private: bool) -> tuple[str, dict[str, str]]:
    """check_store_url, and the address to connect its host to: one of the addresses just checked
    (IPv4 first), so that a second DNS answer cannot send the connection elsewhere
    (transport.PinnedAdapter). No pin when `allow_private`: nothing was checked."""
    normalised, host, addresses = _checked(url, allow_private)
    if not addresses:
        return normalised, {}
    address = min(addresses, key=lambda candidate: candidate.version)
    return normalised, {host: str(address)}


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

"""The SSRF guard of every URL Setia calls on someone else's behalf (WooCommerce store URLs, the
merchant's webhook endpoints): every address the host resolves to must be public, and the
connection goes to the address checked (PinnedAdapter: DNS rebinding, public when checked and
internal when connecting, cannot redirect it); an answer is read within a size and time bound.
The host name still goes in the Host header, in TLS SNI and in certificate verification, so a
pinned https host is verified exactly as an unpinned one."""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from connectors.base import PlatformError

if TYPE_CHECKING:  # types-requests' names for what the adapter hands urllib3
    from requests.adapters import _HostParams, _PoolKwargs

CHUNK = 64 * 1024

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


class UrlRefused(ValueError):
    """A URL we will not call: not http(s), malformed, or reaching a non-public address."""


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


def _resolve(host: str, port: int, error: type[UrlRefused]) -> list[IPAddress]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise error(f"cannot resolve {host}: {exc}") from exc
    # Drop an IPv6 zone ("fe80::1%eth0") before parsing.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def checked_url(
    url: str, allow_private: bool, error: type[UrlRefused] = UrlRefused, what: str = "URLs"
) -> tuple[str, str, list[IPAddress]]:
    """(normalised URL, host, the addresses it resolved to, all public), or `error`."""
    try:
        parts = urllib.parse.urlsplit((url or "").strip())
        port = parts.port
    except ValueError as exc:
        raise error(f"not a URL: {url!r}") from exc
    scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https"):
        raise error(f"{what} must be http or https, not {scheme or 'nothing'!r}")
    if not host:
        raise error(f"no host in {url!r}")
    if parts.username or parts.password:
        raise error(f"{what} must not carry a user name or password")
    addresses: list[IPAddress] = []
    if not allow_private:
        addresses = _resolve(host, port or (443 if scheme == "https" else 80), error)
        for address in addresses:
            reason = _refusal(address)
            if reason:
                raise error(f"{host} resolves to {address}, {reason}")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return urllib.parse.urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", "")), host, addresses


def pin_url(
    url: str, allow_private: bool, error: type[UrlRefused] = UrlRefused, what: str = "URLs"
) -> tuple[str, dict[str, str]]:
    """checked_url, and the address to connect its host to: one of the addresses just checked
    (IPv4 first), so that a second DNS answer cannot send the connection elsewhere
    (PinnedAdapter). No pin when `allow_private`: nothing was checked."""
    normalised, host, addresses = checked_url(url, allow_private, error, what)
    if not addresses:
        return normalised, {}
    address = min(addresses, key=lambda candidate: candidate.version)
    return normalised, {host: str(address)}


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

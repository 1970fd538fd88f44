"""DNS rebinding: a store host that resolves to a public address when the guard checks it and to an
internal one when the HTTP library connects must never get a connection to the internal one. The
resolver (socket.getaddrinfo, used by the guard and by urllib3 alike) is what the tests fake; the
pinned connection keeps the host name for the Host header, TLS SNI and certificate checks."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import socket
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
import urllib3.util.connection
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from connectors.base import PlatformError
from connectors.woocommerce.auth import GuardedSession, check_store_url
from connectors.woocommerce.client import WooCommerceClient
from connectors.woocommerce.transport import StoreAPI, pinned_session

PUBLIC = "93.184.215.14"
REBINDING_HOST = "rebind.example"


class Store(http.server.ThreadingHTTPServer):
    """A local server standing for the internal service a rebinding attack would reach."""

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.hits: list[dict[str, str]] = []
        self.server_names: list[str | None] = []


class Handler(http.server.BaseHTTPRequestHandler):
    server: Store

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.hits.append({"path": self.path, "host": self.headers.get("Host", "")})
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def serve(store: Store) -> Iterator[Store]:
    thread = threading.Thread(target=store.serve_forever, daemon=True)
    thread.start()
    try:
        yield store
    finally:
        store.shutdown()
        store.server_close()


@pytest.fixture()
def internal() -> Iterator[Store]:
    yield from serve(Store(Handler))


@pytest.fixture()
def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """REBINDING_HOST answers a public address to the first lookup, 127.0.0.1 to every later one."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == REBINDING_HOST:
            answers.append(PUBLIC if not answers else "127.0.0.1")
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answers[-1], int(port or 80)))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture()
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every address urllib3 connects to. Only loopback ones really connect: the tests send no
    traffic to a public address (this machine has no network besides loopback anyway)."""
    real = urllib3.util.connection.create_connection
    seen: list[tuple[str, int]] = []

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        seen.append(address)
        try:
            loopback = ipaddress.ip_address(address[0].strip("[]")).is_loopback
        except ValueError:
            loopback = True  # a host name: urllib3 resolves it itself (the unpinned case)
        if not loopback:
            raise ConnectionRefusedError(f"test: no connection to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    return seen


def test_without_pinning_the_rebinding_host_reaches_the_internal_server(internal, rebinding_dns, connections):
    # The attack the pinning closes: the guard sees a public address, requests then resolves again.
    url = f"http://{REBINDING_HOST}:{internal.server_address[1]}/wp-json/wc/v3/system_status"
    check_store_url(url, allow_private=False)
    assert requests.get(url, timeout=5).status_code == 200
    assert rebinding_dns == [PUBLIC, "127.0.0.1"] and len(internal.hits) == 1


def test_store_client_connects_only_to_the_checked_address(internal, rebinding_dns, connections):
    port = internal.server_address[1]
    client = WooCommerceClient(f"http://{REBINDING_HOST}:{port}", "ck_test", "cs_test")
    with pytest.raises(PlatformError, match="unreachable"):
        client.call("GET", "system_status")
    with pytest.raises(PlatformError, match="unreachable"):
        client.order_refunds("723")
    assert rebinding_dns == [PUBLIC]  # checked once, never resolved again
    assert connections == [(PUBLIC, port), (PUBLIC, port)]
    assert internal.hits == []


def test_guarded_session_connects_only_to_the_checked_address(internal, rebinding_dns, connections):
    port = internal.server_address[1]
    with pytest.raises(requests.ConnectionError):
        GuardedSession(allow_private=False).get(f"http://{REBINDING_HOST}:{port}/", timeout=5)
    assert connections == [(PUBLIC, port)] and internal.hits == []


# --- TLS: the pinned connection still checks the certificate against the host name -----------------


def certificate(name: str, folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate for `name` it signed: (ca.pem, cert.pem, key.pem)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Setia test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


def tls_store(name: str, folder: Path) -> tuple[Store, Path]:
    ca, cert, key = certificate(name, folder)
    store = Store(Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def remember(_socket: ssl.SSLObject, server_name: str | None, _context: ssl.SSLContext) -> None:
        store.server_names.append(server_name)

    context.sni_callback = remember  # type: ignore[assignment]
    store.socket = context.wrap_socket(store.socket, server_side=True)
    return store, ca


def test_pinned_https_sends_host_and_sni_and_verifies_the_hosts_certificate(tmp_path, connections):
    store, ca = tls_store("shop.test", tmp_path)
    for running in serve(store):
        port = running.server_address[1]
        session = pinned_session({"shop.test": "127.0.0.1"})
        response = session.get(f"https://shop.test:{port}/wp-json/wc/v3/orders", verify=str(ca), timeout=5)
        assert response.status_code == 200
        assert running.server_names == ["shop.test"]
        assert running.hits == [{"path": "/wp-json/wc/v3/orders", "host": f"shop.test:{port}"}]
        assert connections == [("127.0.0.1", port)]


def test_pinned_https_refuses_a_certificate_for_another_name(tmp_path, connections):
    store, ca = tls_store("other.test", tmp_path)
    for running in serve(store):
        session = pinned_session({"shop.test": "127.0.0.1"})
        with pytest.raises(requests.exceptions.SSLError):
            session.get(f"https://shop.test:{running.server_address[1]}/", verify=str(ca), timeout=5)
        assert running.hits == []


def test_a_host_that_was_not_checked_is_refused_not_resolved(connections):
    with pytest.raises(requests.exceptions.InvalidURL, match="not checked"):
        pinned_session({"shop.test": "127.0.0.1"}).get("http://elsewhere.test/", timeout=5)
    assert connections == []


# --- the woocommerce package's requests, sent through the pinned session -----------------------------


def test_store_api_sends_what_the_woocommerce_package_sends_over_https():
    with responses.RequestsMock() as mock:
        mock.post(f"https://{PUBLIC}/wp-json/wc/v3/coupons", json={"id": 1}, status=201)
        api = StoreAPI(pinned_session({PUBLIC: PUBLIC}), f"https://{PUBLIC}", "ck_x", "cs_y", timeout=3)
        assert api.post("coupons", {"code": "SETIA-ÄB"}, params={"a": "1"}).status_code == 201
        [call] = mock.calls
    assert call.request.headers["Authorization"] == "Basic Y2tfeDpjc195"  # base64("ck_x:cs_y")
    assert call.request.headers["content-type"] == "application/json;charset=utf-8"
    assert call.request.body == '{"code": "SETIA-ÄB"}'.encode()
    assert call.request.url == f"https://{PUBLIC}/wp-json/wc/v3/coupons?a=1"


def test_store_api_signs_plain_http_requests_with_oauth1_in_the_query():

    with responses.RequestsMock() as mock:
        mock.get(f"http://{PUBLIC}/wp-json/wc/v3/orders", json=[])
        api = StoreAPI(pinned_session({PUBLIC: PUBLIC}), f"http://{PUBLIC}", "ck_x", "cs_y")
        api.get("orders", params={"page": 2})
        [call] = mock.calls
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(call.request.url).query)
    assert query["oauth_consumer_key"] == ["ck_x"] and query["oauth_signature_method"] == ["HMAC-SHA256"]
    assert query["oauth_signature"] and query["page"][0] == "2"
    assert "Authorization" not in call.request.headers

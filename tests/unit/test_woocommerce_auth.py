"""The WooCommerce store URL guard (SSRF), the wc-auth authorize URL, and redirects that lead inside:
refused by the guarded session and by the REST client. The store is faked with `responses`."""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.parse
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

from connectors.base import CouponRejected, CouponSpec, PlatformError
from connectors.woocommerce.auth import GuardedSession, StoreUrlRefused, authorize_url, check_store_url
from connectors.woocommerce.client import WooCommerceClient

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "woocommerce"
PUBLIC = "https://93.184.215.14"  # a public address literal: no DNS needed
API = f"{PUBLIC}/wp-json/wc/v3"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/",
        "https://10.1.2.3/",
        "https://172.16.0.10/",
        "https://192.168.1.20/",
        "http://169.254.10.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]/",
        "http://[fe80::1]/",
        "http://[::]/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://0xa9fea9fe/",  # 169.254.169.254
    ],
)
def test_store_url_on_a_non_public_address_is_refused(url):
    with pytest.raises(StoreUrlRefused):
        check_store_url(url, allow_private=False)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("2002:7f00:1::1", "6to4"),  # 6to4 of 127.0.0.1
        ("2002:a00:1::5", "6to4"),  # 6to4 of 10.0.0.1
        ("2002:5db8:d70e::1", "6to4"),  # 6to4 of a public address: still through a relay
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
        ("2001:0:7f00:1::1", "Teredo"),
        ("64:ff9b::7f00:1", "NAT64"),  # 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "NAT64"),  # 169.254.169.254
        ("64:ff9b:1::a00:1", "NAT64"),  # local-use NAT64 prefix, 10.0.0.1
        ("::127.0.0.1", "IPv4-compatible"),
        ("::10.0.0.1", "IPv4-compatible"),
        ("::169.254.169.254", "IPv4-compatible"),
    ],
)
def test_ipv6_addresses_that_carry_an_ipv4_address_through_a_relay_are_refused(monkeypatch, address, kind):
    """Refused as what they are, whatever Python's own address tables say on this version."""
    with pytest.raises(StoreUrlRefused, match=f"a {kind} address"):
        check_store_url(f"https://[{address}]/", allow_private=False)
    _resolving_to(monkeypatch, "93.184.215.14", address)
    with pytest.raises(StoreUrlRefused, match=f"resolves to {ipaddress.ip_address(address)}, a {kind} address"):
        check_store_url("https://shop.example.com/", allow_private=False)


@pytest.mark.parametrize("address", ["::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254"])
def test_ipv4_mapped_addresses_are_judged_by_the_ipv4_address_they_carry(monkeypatch, address):
    _resolving_to(monkeypatch, address)
    with pytest.raises(
        StoreUrlRefused, match=r"resolves to ::ffff:[0-9a-f:.]+, a (loopback|private|cloud metadata) address"
    ):
        check_store_url("https://shop.example.com/", allow_private=False)


@pytest.mark.parametrize(
    "url", ["ftp://93.184.215.14/", "file:///etc/passwd", "gopher://93.184.215.14/", "93.184.215.14", "https://", ""]
)
def test_store_url_that_is_not_http_is_refused(url):
    with pytest.raises(StoreUrlRefused):
        check_store_url(url, allow_private=False)


def test_store_url_with_credentials_is_refused():
    with pytest.raises(StoreUrlRefused):
        check_store_url("https://admin:pw@93.184.215.14/", allow_private=False)


def test_public_store_url_is_normalised():
    assert check_store_url(" HTTPS://93.184.215.14/Shop/ ", allow_private=False) == "https://93.184.215.14/Shop"
    assert check_store_url("https://93.184.215.14:8443?x=1#f", allow_private=False) == "https://93.184.215.14:8443"


def _resolving_to(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> list[str]:
    """Make the OS resolver answer `addresses` for any name; returns the names asked for."""
    asked: list[str] = []

    def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        family = socket.AF_INET6
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ] or [(family, socket.SOCK_STREAM, 6, "", ("::", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


def test_host_name_resolving_to_any_private_address_is_refused(monkeypatch):
    asked = _resolving_to(monkeypatch, "93.184.215.14", "10.0.0.7")
    with pytest.raises(StoreUrlRefused, match="10.0.0.7"):
        check_store_url("https://shop.example.com/", allow_private=False)
    assert asked == ["shop.example.com"]


def test_host_name_resolving_to_ipv6_loopback_is_refused(monkeypatch):
    _resolving_to(monkeypatch, "::1")
    with pytest.raises(StoreUrlRefused, match="loopback"):
        check_store_url("https://shop.example.com/", allow_private=False)


def test_host_name_resolving_to_public_addresses_is_allowed(monkeypatch):
    _resolving_to(monkeypatch, "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert check_store_url("https://Shop.Example.com/", allow_private=False) == "https://shop.example.com"


def test_unresolvable_host_is_refused(monkeypatch):
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(StoreUrlRefused, match="cannot resolve"):
        check_store_url("https://nowhere.example/", allow_private=False)


@pytest.mark.parametrize(
    "url", ["http://localhost:8080/", "http://127.0.0.1/", "http://[::1]:8080/", "http://10.0.0.2"]
)
def test_private_store_url_is_allowed_when_private_urls_are(url):
    assert check_store_url(url, allow_private=True) == url.rstrip("/")


def test_private_store_url_keeps_the_scheme_rule_when_private_urls_are_allowed():
    with pytest.raises(StoreUrlRefused):
        check_store_url("ftp://127.0.0.1/", allow_private=True)


def test_authorize_url_carries_the_wc_auth_parameters():
    url = authorize_url(
        "https://shop.example.com/store",
        "Setia",
        "nonce-123",
        "https://setia.test/admin/settings",
        "https://setia.test/auth/woocommerce/callback",
    )
    parts = urllib.parse.urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://shop.example.com/store/wc-auth/v1/authorize"
    assert urllib.parse.parse_qs(parts.query) == {
        "app_name": ["Setia"],
        "scope": ["read_write"],
        "user_id": ["nonce-123"],
        "return_url": ["https://setia.test/admin/settings"],
        "callback_url": ["https://setia.test/auth/woocommerce/callback"],
    }


@responses.activate
def test_guarded_session_refuses_a_redirect_to_a_private_address():
    responses.get(f"{PUBLIC}/", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    responses.get("http://169.254.169.254/latest/meta-data/", body="secret")
    with pytest.raises(StoreUrlRefused, match="169.254.169.254"):
        GuardedSession(allow_private=False).get(f"{PUBLIC}/", timeout=5)
    assert [call.request.url for call in responses.calls] == [f"{PUBLIC}/"]


@responses.activate
def test_guarded_session_checks_every_hop():
    responses.get(f"{PUBLIC}/", status=301, headers={"Location": "https://93.184.215.15/next"})
    responses.get("https://93.184.215.15/next", status=302, headers={"Location": "http://[::ffff:127.0.0.1]/admin"})
    with pytest.raises(StoreUrlRefused):
        GuardedSession(allow_private=False).get(f"{PUBLIC}/", timeout=5)
    assert len(responses.calls) == 2


@responses.activate
def test_guarded_session_follows_a_redirect_to_a_public_address():
    responses.get(f"{PUBLIC}/", status=301, headers={"Location": "https://93.184.215.15/"})
    responses.get("https://93.184.215.15/", json={"ok": True})
    response = GuardedSession(allow_private=False).get(f"{PUBLIC}/", timeout=5)
    assert response.json() == {"ok": True}


def test_guarded_session_refuses_a_private_first_url():
    with pytest.raises(StoreUrlRefused):
        GuardedSession(allow_private=False).get("http://127.0.0.1:9/", timeout=5)


def client() -> WooCommerceClient:
    return WooCommerceClient(PUBLIC, "ck_test", "cs_test", webhook_secret="whsec")


def test_client_refuses_a_private_store_url():
    with pytest.raises(PlatformError) as refused:
        WooCommerceClient("http://192.168.0.5", "ck", "cs")
    assert refused.value.retryable is False


@responses.activate
def test_client_refuses_a_redirect_to_a_private_address_without_following_it():
    responses.get(f"{API}/webhooks", status=302, headers={"Location": "http://10.0.0.1/wp-json/wc/v3/webhooks"})
    responses.get("http://10.0.0.1/wp-json/wc/v3/webhooks", json=[])
    with pytest.raises(PlatformError, match="refused address") as refused:
        client().list_webhooks()
    assert refused.value.retryable is False
    assert len(responses.calls) == 1


@responses.activate
def test_client_does_not_follow_even_a_public_redirect():
    responses.get(f"{API}/webhooks", status=301, headers={"Location": "https://93.184.215.15/wp-json/wc/v3/webhooks"})
    with pytest.raises(PlatformError, match="final URL"):
        client().list_webhooks()
    assert len(responses.calls) == 1


@responses.activate
def test_client_errors_are_retryable_for_5xx_and_not_for_4xx():
    responses.get(f"{API}/webhooks", status=503, json={"code": "unavailable"})
    responses.get(f"{API}/webhooks", status=401, json={"code": "woocommerce_rest_cannot_view", "message": "no"})
    with pytest.raises(PlatformError) as outage:
        client().list_webhooks()
    with pytest.raises(PlatformError) as refused:
        client().list_webhooks()
    assert (outage.value.retryable, outage.value.status) == (True, 503)
    assert (refused.value.retryable, refused.value.status) == (False, 401)


@responses.activate
def test_client_timeout_is_retryable():
    responses.get(f"{API}/webhooks", body=requests.exceptions.ConnectTimeout("slow"))
    with pytest.raises(PlatformError) as timeout:
        client().list_webhooks()
    assert timeout.value.retryable is True


@responses.activate
def test_client_authenticates_with_basic_auth_over_https_and_pages_webhooks():
    first = [{"id": n, "topic": "order.updated", "status": "active", "delivery_url": "x"} for n in range(100)]
    responses.get(
        f"{API}/webhooks",
        json=first,
        match=[responses.matchers.query_param_matcher({"status": "all", "per_page": "100", "page": "1"})],
    )
    responses.get(
        f"{API}/webhooks",
        json=[{"id": 100}],
        match=[responses.matchers.query_param_matcher({"status": "all", "per_page": "100", "page": "2"})],
    )
    assert len(client().list_webhooks()) == 101
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")


def spec(customer_id: str = "26") -> CouponSpec:
    return CouponSpec(
        code="SETIA-ABC123",
        title="Setia reward 7",
        value_type="percentage",
        value=Decimal("10"),
        starts_at=datetime(2026, 11, 1, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 12, 30, tzinfo=UTC),
        customer_id=customer_id,
    )


@responses.activate
def test_create_coupon_limits_it_to_the_customer_email_and_one_use():
    responses.get(f"{API}/customers/26", json={"id": 26, "email": "joao.silva@example.com"})
    responses.post(f"{API}/coupons", status=201, json={"id": 719, "code": "setia-abc123"})
    assert client().create_coupon(spec()) == "719"
    assert json.loads(responses.calls[1].request.body) == {
        "code": "SETIA-ABC123",
        "description": "Setia reward 7",
        "discount_type": "percent",
        "amount": "10",
        "free_shipping": False,
        "usage_limit": 1,
        "usage_limit_per_user": 1,
        "email_restrictions": ["joao.silva@example.com"],
        "date_expires": "2026-12-01T12:30:00+00:00",
    }


@responses.activate
def test_create_coupon_that_exists_already_as_ours_counts_as_created():
    duplicate = json.loads((FIXTURES / "coupon_create__code_already_exists.json").read_text())
    responses.post(f"{API}/coupons", status=400, json=duplicate)
    responses.get(
        f"{API}/coupons",
        json=[{"id": 720, "code": "setia-abc123", "description": "Setia reward 7"}],
        match=[responses.matchers.query_param_matcher({"code": "SETIA-ABC123"})],
    )
    assert client().create_coupon(spec("guest@example.com")) == "720"
    assert json.loads(responses.calls[0].request.body)["email_restrictions"] == ["guest@example.com"]


@responses.activate
def test_create_coupon_whose_code_belongs_to_someone_else_is_rejected():
    duplicate = json.loads((FIXTURES / "coupon_create__code_already_exists.json").read_text())
    responses.post(f"{API}/coupons", status=400, json=duplicate)
    responses.get(f"{API}/coupons", json=[{"id": 9, "code": "setia-abc123", "description": "the merchant's own"}])
    with pytest.raises(CouponRejected):
        client().create_coupon(spec("guest@example.com"))

"""The widget API through Shopify's app proxy (/proxy/shopify/...): the shopper is whoever Shopify
says is logged in, and only requests Shopify signed recently are answered."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from tests.conftest import Shops
from tests.deliveries import APP_SECRET, OTHER_DOMAIN, SHOP_DOMAIN, fake30

JANE_ID = "1073339475"  # the FAKE30 order's customer


def proxied(
    customer: str = "",
    shop: str = SHOP_DOMAIN,
    timestamp: int | None = None,
    secret: str = APP_SECRET,
    extra: list[tuple[str, str]] | None = None,
) -> str:
    """The query string Shopify forwards, signed with the recipe written out here: sorted
    "key=value" pairs (a repeated key's values joined with ","), no separator, hex HMAC-SHA256."""
    pairs = [
        *(extra or []),
        ("shop", shop),
        ("logged_in_customer_id", customer),
        ("path_prefix", "/apps/setia"),
        ("timestamp", str(int(time.time()) if timestamp is None else timestamp)),
    ]
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    message = "".join(sorted(f"{key}={','.join(values)}" for key, values in grouped.items()))
    signature = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return urlencode([*pairs, ("signature", signature)])


@pytest.fixture()
def jane(shop: dict[str, Any], deliver: Any, api: Any) -> None:
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE_ID)
    assert member is not None and member["points_available"] == 181


def assert_refused(response: Any, status: int = 401) -> None:
    assert response.status_code == status
    assert set(response.json) == {"error", "details"}
    assert "181" not in response.get_data(as_text=True)


def test_logged_in_member_gets_balances(client: FlaskClient, jane: None) -> None:
    response = client.get(f"/proxy/shopify/me?{proxied(customer=JANE_ID)}")
    assert response.status_code == 200
    assert response.json["member"] is True
    assert response.json["balances"]["points_available"] == 181
    assert response.json["balances"]["cashback_available"] == "3.62"
    assert response.json["display"]["cashback_available"] == "$3.62"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_answer_is_the_widget_apis(client: FlaskClient, app: Any, shop: dict[str, Any], jane: None) -> None:
    from integrator.loyalty.models import Shop

    with app.extensions["setia_db"].session() as session:
        stored = session.get(Shop, shop["id"])
        secret = app.extensions["setia_box"].decrypt(stored.widget_secret_enc)
    ts = str(int(time.time()))
    sig = hmac.new(secret.encode(), f"{JANE_ID}:{ts}".encode(), hashlib.sha256).hexdigest()
    widget = client.get(f"/widget/v1/{shop['public_id']}/me", query_string={"customer": JANE_ID, "ts": ts, "sig": sig})
    assert client.get(f"/proxy/shopify/me?{proxied(customer=JANE_ID)}").json == widget.json
    program = client.get(f"/proxy/shopify/program?{proxied()}")
    assert program.json == client.get(f"/widget/v1/{shop['public_id']}/program").json


def test_logged_in_shopper_who_is_not_a_member_gets_zero_balances(client: FlaskClient, jane: None) -> None:
    response = client.get(f"/proxy/shopify/me?{proxied(customer='5550001')}")
    assert response.status_code == 200
    assert response.json["member"] is False
    assert response.json["balances"]["points_available"] == 0


def test_no_one_logged_in_is_refused(client: FlaskClient, jane: None) -> None:
    response = client.get(f"/proxy/shopify/me?{proxied(customer='')}")
    assert_refused(response)
    assert response.json["error"] == "not logged in"


def test_program_through_the_proxy_needs_no_shopper(client: FlaskClient, jane: None) -> None:
    response = client.get(f"/proxy/shopify/program?{proxied()}")
    assert response.status_code == 200
    assert response.json["rewards"] == []
    assert response.json["earning"] == {"points_per_unit": "1", "cashback_percent": "2", "pending_days": 0}
    assert JANE_ID not in response.get_data(as_text=True)


def test_tampered_customer_is_refused(client: FlaskClient, jane: None) -> None:
    query = proxied(customer="5550001").replace("logged_in_customer_id=5550001", f"logged_in_customer_id={JANE_ID}")
    assert_refused(client.get(f"/proxy/shopify/me?{query}"))


def test_missing_or_wrong_signature_is_refused(client: FlaskClient, jane: None) -> None:
    query = proxied(customer=JANE_ID)
    unsigned = query[: query.index("&signature=")]
    for path in ("me", "program"):
        assert_refused(client.get(f"/proxy/shopify/{path}?{unsigned}"))
        assert_refused(client.get(f"/proxy/shopify/{path}?{unsigned}&signature={'0' * 64}"))
        assert_refused(client.get(f"/proxy/shopify/{path}"))


def test_another_apps_secret_is_refused(client: FlaskClient, jane: None) -> None:
    assert_refused(client.get(f"/proxy/shopify/me?{proxied(customer=JANE_ID, secret='another-app-secret')}"))


def test_shopper_supplied_customer_id_is_refused(client: FlaskClient, jane: None) -> None:
    # /apps/setia/me?logged_in_customer_id=<jane> opened by an anonymous shopper: Shopify adds its own
    # empty value and signs both. That must not make anyone Jane.
    query = proxied(customer="", extra=[("logged_in_customer_id", JANE_ID)])
    response = client.get(f"/proxy/shopify/me?{query}")
    assert_refused(response)


def test_shoppers_own_parameters_are_signed_along(client: FlaskClient, jane: None) -> None:
    query = proxied(customer=JANE_ID, extra=[("tab", "rewards"), ("tab", "history")])
    assert client.get(f"/proxy/shopify/me?{query}").status_code == 200


def test_replayed_old_request_is_refused(client: FlaskClient, jane: None) -> None:
    response = client.get(f"/proxy/shopify/me?{proxied(customer=JANE_ID, timestamp=int(time.time()) - 600)}")
    assert_refused(response)


def test_shop_that_is_not_connected_is_refused(client: FlaskClient, shops: Shops, jane: None) -> None:
    response = client.get(f"/proxy/shopify/me?{proxied(customer=JANE_ID, shop=OTHER_DOMAIN)}")
    assert_refused(response, 404)


def test_same_customer_id_at_another_shop_is_another_shopper(client: FlaskClient, shops: Shops, jane: None) -> None:
    # Jane's id at another connected shop is another shopper there: no balances from this shop.
    shops.make(domain=OTHER_DOMAIN)
    response = client.get(f"/proxy/shopify/me?{proxied(customer=JANE_ID, shop=OTHER_DOMAIN)}")
    assert response.status_code == 200
    assert response.json["member"] is False


def test_unknown_proxy_path_is_json_404(client: FlaskClient) -> None:
    response = client.get(f"/proxy/shopify/nothing/here?{proxied()}")
    assert response.status_code == 404
    assert response.json["error"] == "not found"

"""The widget API through Shopify's app proxy (/proxy/shopify/...): the shopper is whoever Shopify
says is logged in, and only requests Shopify signed recently are answered."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from tests.conftest import Shops, drain, requires_postgres
from tests.deliveries import APP_SECRET, OTHER_DOMAIN, SHOP_DOMAIN, fake30, money_set, with_changes

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
    assert program.json["apply_path"] == "/discount/{code}" and program.json["theme"]["position"] == "bottom-right"


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


@pytest.mark.usefixtures("on_several_dates")  # the proxy's timestamp window on any date
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


# --- every widget route through the proxy --------------------------------------------------------

ORDER_ID = "1073459981"  # the FAKE30 order, "#1002"
VOUCHER = {"name": "Voucher", "points_cost": 100, "kind": "fixed_amount", "value": "5.00"}
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/11"}, "userErrors": []}
}


def widget_query(app: Any, shop: dict[str, Any], customer: str = JANE_ID) -> dict[str, str]:
    from integrator.loyalty.models import Shop

    with app.extensions["setia_db"].session() as session:
        secret = app.extensions["setia_box"].decrypt(session.get(Shop, shop["id"]).widget_secret_enc)
    ts = str(int(time.time()))
    return {
        "customer": customer,
        "ts": ts,
        "sig": hmac.new(secret.encode(), f"{customer}:{ts}".encode(), hashlib.sha256).hexdigest(),
    }


@pytest.mark.parametrize("route", ["history", "unboxing", f"orders/{ORDER_ID}", "history?page_size=1"])
def test_each_route_answers_as_the_widget_api_does(
    client: FlaskClient, app: Any, shop: dict[str, Any], jane: None, route: str
) -> None:
    path, _, extra = route.partition("?")
    extra_pairs = [tuple(pair.split("=")) for pair in extra.split("&")] if extra else []
    through_proxy = client.get(f"/proxy/shopify/{path}?{proxied(customer=JANE_ID, extra=extra_pairs)}")
    assert through_proxy.status_code == 200
    assert through_proxy.headers["Cache-Control"] == "private, no-store"
    widget = client.get(
        f"/widget/v1/{shop['public_id']}/{path}", query_string={**widget_query(app, shop), **dict(extra_pairs)}
    )
    assert through_proxy.json == widget.json


def test_history_and_order_through_the_proxy_hold_janes_numbers(client: FlaskClient, jane: None) -> None:
    history = client.get(f"/proxy/shopify/history?{proxied(customer=JANE_ID)}").json
    assert {(item["account"], item["amount"], item["description"]) for item in history["items"]} == {
        ("points", 181, "#1002"),
        ("cashback", 362, "#1002"),
    }
    order = client.get(f"/proxy/shopify/orders/{ORDER_ID}?{proxied(customer=JANE_ID)}").json
    assert (order["points"], order["cashback_display"], order["name"]) == (181, "$3.62", "#1002")
    # Another logged-in customer cannot read Jane's order.
    refused = client.get(f"/proxy/shopify/orders/{ORDER_ID}?{proxied(customer='5550001')}")
    assert refused.status_code == 404 and refused.json["error"] == "unknown order"


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("GET", "history"),
        ("GET", "unboxing"),
        ("GET", f"orders/{ORDER_ID}"),
        ("POST", "redemptions"),
        ("POST", "cashback-redemptions"),
    ],
)
def test_shopper_routes_need_a_logged_in_customer_and_shopifys_signature(
    client: FlaskClient, jane: None, method: str, route: str
) -> None:
    body = {"reward_id": 1, "amount": "1.00"}
    anonymous = client.open(f"/proxy/shopify/{route}?{proxied(customer='')}", method=method, json=body)
    assert_refused(anonymous)
    assert anonymous.json["error"] == "not logged in"
    forged = client.open(f"/proxy/shopify/{route}?{proxied(customer=JANE_ID, secret='nope')}", method=method, json=body)
    assert_refused(forged)
    stale = proxied(customer=JANE_ID, timestamp=int(time.time()) - 600)
    assert_refused(client.open(f"/proxy/shopify/{route}?{stale}", method=method, json=body))
    assert_refused(client.open(f"/proxy/shopify/{route}", method=method, json=body))


def test_a_redemption_through_the_proxy_spends_once_and_shows_the_code(
    client: FlaskClient, api: Any, jane: None, shopify: Any
) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED)
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    response = client.post(f"/proxy/shopify/redemptions?{proxied(customer=JANE_ID)}", json={"reward_id": reward_id})
    assert response.status_code == 201
    assert response.json["kind"] == "reward" and response.json["reward_id"] == reward_id
    assert response.json["balances"]["points_available"] == 81
    drain()  # with Redis, a worker makes the code on the store
    [call] = shopify.calls_of("SetiaDiscountCreate")
    assert call.variables["basicCodeDiscount"]["code"] == response.json["code"]
    assert call.variables["basicCodeDiscount"]["context"] == {
        "customers": {"add": [f"gid://shopify/Customer/{JANE_ID}"]}
    }
    again = client.post(f"/proxy/shopify/redemptions?{proxied(customer=JANE_ID)}", json={"reward_id": reward_id})
    assert again.status_code == 409  # 81 points left: nothing spent twice
    assert api.member(JANE_ID)["points_available"] == 81


def test_a_form_post_from_another_site_spends_nothing(client: FlaskClient, api: Any, jane: None) -> None:
    # A page elsewhere can make a logged-in shopper's browser POST a form to /apps/setia/redemptions
    # (Shopify signs it as theirs); a form cannot send JSON, and without JSON nothing is spent.
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    for data, content_type in (
        (f"reward_id={reward_id}", "application/x-www-form-urlencoded"),
        (f'{{"reward_id": {reward_id}}}', "text/plain"),
    ):
        response = client.post(
            f"/proxy/shopify/redemptions?{proxied(customer=JANE_ID)}", data=data, content_type=content_type
        )
        assert response.status_code == 422
    assert api.member(JANE_ID)["points_available"] == 181


def test_cashback_through_the_proxy(client: FlaskClient, api: Any, jane: None, shopify: Any) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED)
    response = client.post(f"/proxy/shopify/cashback-redemptions?{proxied(customer=JANE_ID)}", json={"amount": "2.00"})
    assert response.status_code == 201
    assert (response.json["kind"], response.json["value"]) == ("cashback", "2.00")
    assert response.json["balances"]["cashback_available"] == "1.62"
    too_much = client.post(f"/proxy/shopify/cashback-redemptions?{proxied(customer=JANE_ID)}", json={"amount": "2.00"})
    assert too_much.status_code == 409
    assert api.member(JANE_ID)["cashback_available"] == "1.62"


@requires_postgres
def test_50_parallel_proxy_redemptions_with_points_for_one_succeed_once(
    app: Any, api: Any, shop: dict[str, Any], deliver: Any, shopify: Any
) -> None:
    deliver("orders/paid", with_changes(fake30(), current_subtotal_price_set=money_set("100.00")))  # 100 points
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    shopify.answer("SetiaDiscountCreate", CREATED, always=True)
    query = proxied(customer=JANE_ID)  # one signed request, replayed 50 times at once
    barrier, codes = threading.Barrier(50), []

    def attempt() -> None:
        client = app.test_client()
        barrier.wait()
        codes.append(client.post(f"/proxy/shopify/redemptions?{query}", json={"reward_id": reward_id}).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201] + [409] * 49
    member = api.member(JANE_ID)
    assert member["points_available"] == 0
    assert len(api.get(f"/members/{member['id']}/coupons").json["items"]) == 1


def test_program_through_the_proxy_has_an_etag(client: FlaskClient, jane: None) -> None:
    first = client.get(f"/proxy/shopify/program?{proxied()}")
    again = client.get(f"/proxy/shopify/program?{proxied()}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_widget_through_the_proxy_counts_as_seen_on_the_storefront(
    app: Any, client: FlaskClient, shop: dict[str, Any]
) -> None:
    """The theme extension's widget calls only the app proxy: that is the storefront seeing it."""
    from integrator.loyalty.models import Shop

    db = app.extensions["setia_db"]
    with db.session() as session:
        assert session.get(Shop, shop["id"]).widget_seen_at is None  # type: ignore[union-attr]
    assert client.get(f"/proxy/shopify/program?{proxied(secret='not-the-app-secret')}").status_code == 401
    with db.session() as session:
        assert session.get(Shop, shop["id"]).widget_seen_at is None  # type: ignore[union-attr]
    assert client.get(f"/proxy/shopify/program?{proxied()}").status_code == 200
    with db.session() as session:
        assert session.get(Shop, shop["id"]).widget_seen_at is not None  # type: ignore[union-attr]

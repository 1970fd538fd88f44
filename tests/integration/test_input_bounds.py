"""Bad input to the merchant and widget APIs is a 4xx with a JSON reason, never a 500, and every
value they accept is one the database and the earning arithmetic can hold: ids beyond bigint, NUL
characters, digits other than ASCII ("٣", "1_000") and settings so precise no order could be
recorded with them."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.conftest import Api
from tests.deliveries import fake30
from tests.integration.test_rewards_and_redemptions import signed

JANE = "1073339475"  # the FAKE30 order's customer: 181.09 USD
BEYOND_BIGINT = 2**63
ARABIC_THREE = "\u0663"  # int("٣") == 3 and Decimal("٣") == 3
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/9"}, "userErrors": []}
}


@pytest.fixture()
def jane(deliver: Any, api: Api) -> dict[str, Any]:
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE)
    assert member is not None
    return member


def assert_json_4xx(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json and response.json["error"]
    body: dict[str, Any] = response.json
    return body


# --- ids in the URL ------------------------------------------------------------------------------


@pytest.mark.parametrize("member_id", [str(BEYOND_BIGINT), "9" * 40, ARABIC_THREE])
def test_a_member_id_beyond_bigint_or_in_other_digits_is_a_json_404(api: Api, jane: dict[str, Any], member_id: str):
    for path in (f"/members/{member_id}", f"/members/{member_id}/ledger", f"/members/{member_id}/coupons"):
        assert_json_4xx(api.get(path), 404)
    body = {"points": 5, "reason": "x", "idempotency_key": "big-id"}
    assert_json_4xx(api.post(f"/members/{member_id}/adjustments", body), 404)
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 181


def test_the_largest_bigint_id_is_just_an_unknown_member(api: Api) -> None:
    assert_json_4xx(api.get(f"/members/{BEYOND_BIGINT - 1}"), 404)


def test_reward_and_data_request_ids_beyond_bigint_are_json_404s(api: Api) -> None:
    assert_json_4xx(api.get(f"/rewards/{BEYOND_BIGINT}"), 404)
    assert_json_4xx(api.patch(f"/rewards/{BEYOND_BIGINT}", {"active": False}), 404)
    assert_json_4xx(api.get(f"/data-requests/{BEYOND_BIGINT}"), 404)


def test_the_member_with_id_3_is_not_reached_with_an_arabic_three(api: Api, deliver: Any) -> None:
    deliver("orders/paid", fake30())
    member_id = api.member(JANE)["id"]
    assert api.get(f"/members/{member_id}").status_code == 200
    arabic = "".join(chr(0x0660 + int(digit)) for digit in str(member_id))
    assert_json_4xx(api.get(f"/members/{arabic}"), 404)


# --- NUL characters and unpaired surrogates -----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"points": 5, "reason": "nul\x00byte", "idempotency_key": "k-1"}, "reason"),
        ({"points": 5, "reason": "ok", "idempotency_key": "k\x001"}, "idempotency_key"),
        ({"points": 5, "reason": "lone \ud800 surrogate", "idempotency_key": "k-2"}, "reason"),
    ],
    ids=["nul-reason", "nul-key", "surrogate-reason"],
)
def test_text_the_database_cannot_hold_is_422_and_changes_nothing(
    api: Api, jane: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    answer = assert_json_4xx(api.post(f"/members/{jane['id']}/adjustments", body), 422)
    assert field in answer["details"]
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 181
    assert [e["kind"] for e in api.get(f"/members/{jane['id']}/ledger").json["items"]] == ["earn", "earn"]


def test_an_email_search_with_a_nul_is_422(api: Api) -> None:
    answer = assert_json_4xx(api.get("/members", query_string={"email": "a\x00@example.com"}), 422)
    assert "email" in answer["details"]


def test_a_reward_name_with_a_nul_is_422_and_nothing_is_stored(api: Api) -> None:
    body = {"name": "Free\x00tote", "points_cost": 100, "kind": "percentage", "value": "10"}
    answer = assert_json_4xx(api.post("/rewards", body), 422)
    assert "name" in answer["details"]
    assert api.get("/rewards", query_string={"include_inactive": "true"}).json == {"items": [], "total": 0}


def test_widget_texts_with_a_nul_are_422(api: Api) -> None:
    answer = assert_json_4xx(api.patch("/settings", {"widget": {"texts": {"en": {"title": "Hi\x00"}}}}), 422)
    assert "widget" in answer["details"]


# --- numbers written with other digits, underscores or spaces ----------------------------------

NOT_ASCII_NUMBERS = [ARABIC_THREE, "1_0", " 5", "5 ", "\u0661\u0660.5", "１０"]


@pytest.mark.parametrize("text", NOT_ASCII_NUMBERS)
def test_decimal_settings_in_other_digits_are_422(api: Api, text: str) -> None:
    before = api.get("/settings").json
    for patch, field in (
        ({"points_per_unit": text}, "points_per_unit"),
        ({"cashback_percent": text}, "cashback_percent"),
        ({"unboxing": {"discount_percent": text}}, "unboxing"),
    ):
        assert field in assert_json_4xx(api.patch("/settings", patch), 422)["details"]
    assert api.get("/settings").json == before


@pytest.mark.parametrize("text", NOT_ASCII_NUMBERS)
def test_reward_amounts_in_other_digits_are_422(api: Api, text: str) -> None:
    for body, field in (
        ({"name": "Tote", "points_cost": 10, "kind": "percentage", "value": text}, "value"),
        ({"name": "Tote", "points_cost": 10, "kind": "fixed_amount", "value": text}, "value"),
        ({"name": "Tote", "points_cost": 10, "kind": "free_shipping", "min_order": text}, "min_order"),
    ):
        assert field in assert_json_4xx(api.post("/rewards", body), 422)["details"]
    assert api.get("/rewards", query_string={"include_inactive": "true"}).json == {"items": [], "total": 0}


@pytest.mark.parametrize("text", [ARABIC_THREE, "1_0", "\u0661"])
def test_page_numbers_in_other_digits_are_422(api: Api, jane: dict[str, Any], text: str) -> None:
    for path in ("/members", f"/members/{jane['id']}/ledger", "/settings/changes", "/data-requests"):
        for name in ("page", "page_size"):
            assert name in assert_json_4xx(api.get(path, query_string={name: text}), 422)["details"]


# --- settings every order can be recorded with ---------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"points_per_unit": "1.0000000000000000000000000000000001"}, "points_per_unit"),
        ({"points_per_unit": "1E-40"}, "points_per_unit"),
        ({"points_per_unit": "0.0000001"}, "points_per_unit"),
        ({"points_per_unit": 1e-7}, "points_per_unit"),
        ({"points_per_unit": "1E+7"}, "points_per_unit"),
        ({"cashback_percent": "2.00000000000000000000000000000000001"}, "cashback_percent"),
        ({"cashback_percent": "0.00001"}, "cashback_percent"),
        ({"unboxing": {"discount_percent": "10.001"}}, "unboxing"),
        ({"points_per_unit": "9" * 41}, "points_per_unit"),
    ],
    ids=[
        "ppu-34-digits",
        "ppu-exponent",
        "ppu-7-places",
        "ppu-json-1e-7",
        "ppu-too-big",
        "cashback-35-digits",
        "cashback-5-places",
        "unboxing-3-places",
        "41-characters",
    ],
)
def test_settings_too_precise_or_too_big_for_an_order_are_422(
    api: Api, deliver: Any, patch: dict[str, Any], field: str
) -> None:
    before = api.get("/settings").json
    assert field in assert_json_4xx(api.patch("/settings", patch), 422)["details"]
    assert api.get("/settings").json == before
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE)
    assert (member["points_available"], member["cashback_available"]) == (181, "3.62")


@pytest.mark.parametrize(
    "settings",
    [
        {"points_per_unit": "1000000", "cashback_percent": "100"},
        {"points_per_unit": "0.000001", "cashback_percent": "0.0001"},
        {"points_per_unit": "999999.999999", "cashback_percent": "99.9999"},
        {"points_per_unit": "1E+6", "cashback_percent": "1E+2"},
    ],
    ids=["largest", "smallest", "most-digits", "exponent-forms"],
)
def test_every_order_is_recorded_at_the_extremes_of_the_accepted_settings(
    api: Api, deliver: Any, shopify: Any, settings: dict[str, Any]
) -> None:
    shopify.answer("SetiaDiscountCreate", CREATED)
    unboxing = {"enabled": True, "discount_percent": "99.99", "expires_days": 3650}
    assert api.patch("/settings", {**settings, "unboxing": unboxing}).status_code == 200

    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE)
    basis = 181.09
    assert member["points_available"] == int(basis * float(settings["points_per_unit"]) + 1e-6)
    ledger = api.get(f"/members/{member['id']}/ledger").json["items"]
    assert {entry["kind"] for entry in ledger} <= {"earn"}  # the smallest rates earn nothing on 181.09
    [coupon] = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert (coupon["kind"], coupon["value"]) == ("unboxing", "99.99")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "percentage", "value": "10.000000000000000000000000000001"}, "value"),
        ({"kind": "percentage", "value": "1E-100"}, "value"),
        ({"kind": "percentage", "value": "12.345"}, "value"),
        ({"kind": "fixed_amount", "value": "5.00000000000000000000000000000000000"}, "value"),
        ({"kind": "fixed_amount", "value": "5", "min_order": "20.000000000000000000000000000000000"}, "min_order"),
        ({"kind": "fixed_amount", "value": "1E+10"}, "value"),
    ],
    ids=[
        "percent-30-places",
        "percent-1e-100",
        "percent-3-places",
        "amount-35-places",
        "min-order-33-places",
        "amount-too-big",
    ],
)
def test_reward_values_too_precise_for_a_coupon_are_422(api: Api, body: dict[str, Any], field: str) -> None:
    answer = assert_json_4xx(api.post("/rewards", {"name": "Tote", "points_cost": 10, **body}), 422)
    assert field in answer["details"]
    assert api.get("/rewards", query_string={"include_inactive": "true"}).json == {"items": [], "total": 0}


def test_the_most_precise_accepted_rewards_are_stored_as_sent(api: Api) -> None:
    bodies = [
        {"kind": "percentage", "value": "99.99", "min_order": "999999999.99"},
        {"kind": "fixed_amount", "value": "1E+9", "min_order": "0.01"},
    ]
    for body in bodies:
        response = api.post("/rewards", {"name": "Tote", "points_cost": 10**9, **body})
        assert response.status_code == 201, response.json
    shown = [(r["value"], r["min_order"]) for r in api.get("/rewards").json["items"]]
    assert shown == [("99.99", "999999999.99"), ("1000000000", "0.01")]


# --- the widget API ------------------------------------------------------------------------------


def test_a_widget_reward_id_beyond_bigint_is_a_json_404(app: Flask, client: Any, shop: dict[str, Any], jane: Any):
    for reward_id in (BEYOND_BIGINT, 10**30, -1, 0):
        response = client.post(
            f"/widget/v1/{shop['public_id']}/redemptions", query_string=signed(app, shop), json={"reward_id": reward_id}
        )
        assert_json_4xx(response, 404)


@pytest.mark.parametrize(
    "amount",
    ["1" * 23, "1E+30", ARABIC_THREE, "1_0", "\u0661.00", "３"],
    ids=["23-digits", "exponent", "arabic-three", "underscore", "arabic-one", "fullwidth-three"],
)
def test_a_cashback_amount_too_big_or_in_other_digits_is_422(
    app: Flask, client: Any, api: Api, shop: dict[str, Any], jane: dict[str, Any], amount: str
) -> None:
    response = client.post(
        f"/widget/v1/{shop['public_id']}/cashback-redemptions", query_string=signed(app, shop), json={"amount": amount}
    )
    assert "amount" in assert_json_4xx(response, 422)["details"]
    assert api.member(JANE)["cashback_available"] == "3.62"


@pytest.mark.parametrize(
    "path",
    ["/widget/v1/{public_id}/orders/12%00", "/widget/v1/a%00b/program", "/webhooks/woocommerce/t%00ken"],
    ids=["order-id", "public-id", "webhook-token"],
)
def test_a_nul_anywhere_in_a_path_is_a_json_404(app: Flask, client: Any, shop: dict[str, Any], path: str) -> None:
    response = client.get(path.format(public_id=shop["public_id"]), query_string=signed(app, shop))
    assert_json_4xx(response, 404)  # was a 500 on PostgreSQL


@pytest.mark.parametrize("page", [ARABIC_THREE, "1_0"])
def test_widget_history_pages_in_other_digits_are_422(app: Flask, client: Any, shop: dict[str, Any], page: str):
    response = client.get(f"/widget/v1/{shop['public_id']}/history", query_string={**signed(app, shop), "page": page})
    assert "page" in assert_json_4xx(response, 422)["details"]


@pytest.mark.parametrize("email", ["a@\ud800.com", "a@b.c\ud800om"])
def test_a_data_request_email_the_database_cannot_hold_is_422(api: Api, email: str) -> None:
    answer = assert_json_4xx(api.post("/data-requests", {"kind": "data_request", "email": email}), 422)
    assert "email" in answer["details"]
    assert api.get("/data-requests").json == {"items": [], "total": 0}

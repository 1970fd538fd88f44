"""The merchant API (/api/v1) through HTTP, as CONTRACT.md describes it: members are made by real
order webhooks, everything else is read and changed through the API itself."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask

from tests.conftest import Api
from tests.deliveries import OTHER_DOMAIN, fake30, with_changes

JANE_ID = "1073339475"  # the FAKE30 order's customer
JANE_EMAIL = "jane@example.com"


def order_for(customer_id: int, email: str, order_id: int) -> dict[str, Any]:
    """The FAKE30 order (181.09 USD) placed by another customer."""
    order = fake30()
    customer = {**order["customer"], "id": customer_id, "email": email}
    return with_changes(order, id=order_id, email=email, contact_email=email, customer=customer)


@pytest.fixture()
def jane(deliver: Any, api: Any) -> dict[str, Any]:
    """The member the FAKE30 order made: 181 points and 3.62 cashback at the shop's 1 point / 2 %."""
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE_ID)
    assert member is not None
    return member


def adjust(api: Any, member_id: int, points: int, key: str, reason: str = "goodwill") -> Any:
    return api.post(f"/members/{member_id}/adjustments", {"points": points, "reason": reason, "idempotency_key": key})


def balance(api: Any, member_id: int) -> int:
    response = api.get(f"/members/{member_id}")
    assert response.status_code == 200
    return int(response.json["points_available"])


# --- authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer sk_not-a-real-key"},
    ],
    ids=["no-header", "empty-bearer", "basic-scheme", "unknown-key"],
)
def test_request_without_a_valid_api_key_is_refused_with_json(client: Any, jane: dict[str, Any], headers: Any) -> None:
    for path in ("/api/v1/members", f"/api/v1/members/{jane['id']}", "/api/v1/settings"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.is_json
        assert set(response.json) == {"error", "details"}
        assert response.json["error"]
        assert "jane" not in response.get_data(as_text=True)


def test_an_api_key_is_stored_only_as_its_hash(app: Flask, client: Any, shop: dict[str, Any]) -> None:
    """A copy of the database opens nothing: the key is in no column, and its stored hash is no key."""
    import hashlib

    from sqlalchemy import select

    from integrator.loyalty.models import ApiKey

    key = shop["api_key"]
    with app.extensions["setia_db"].session() as session:
        [row] = session.execute(select(ApiKey)).scalars()
        stored = [str(getattr(row, column.key)) for column in ApiKey.__table__.columns]
    assert not any(key in value for value in stored)
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest() and key.startswith(row.prefix)
    assert client.get("/api/v1/settings", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.get("/api/v1/settings", headers={"Authorization": f"Bearer {row.key_hash}"}).status_code == 401


def test_adjustment_without_a_valid_api_key_changes_nothing(client: Any, api: Any, jane: dict[str, Any]) -> None:
    response = client.post(
        f"/api/v1/members/{jane['id']}/adjustments",
        json={"points": 50, "reason": "sneaky", "idempotency_key": "k1"},
        headers={"Authorization": "Bearer sk_forged"},
    )
    assert response.status_code == 401
    assert response.json["error"]
    assert balance(api, jane["id"]) == 181


def test_api_key_scheme_is_case_insensitive(client: Any, shop: dict[str, Any]) -> None:
    response = client.get("/api/v1/members", headers={"Authorization": f"bearer {shop['api_key']}"})
    assert response.status_code == 200
    assert response.json == {"items": [], "total": 0}


# --- members -------------------------------------------------------------------------------------


def test_member_made_by_an_order_shows_its_balances_with_contract_types(jane: dict[str, Any]) -> None:
    assert isinstance(jane["id"], int)
    assert jane["email"] == JANE_EMAIL
    assert jane["platform_customer_id"] == JANE_ID
    for field in ("points_available", "points_pending", "lifetime_points"):
        assert type(jane[field]) is int, field
    assert jane["points_available"] == 181
    assert jane["points_pending"] == 0
    assert jane["lifetime_points"] == 181
    assert jane["cashback_available"] == "3.62"
    assert jane["cashback_pending"] == "0.00"
    assert jane["currency"] == "USD"
    assert "tier" in jane


def test_member_detail_matches_the_list_entry(api: Any, jane: dict[str, Any]) -> None:
    response = api.get(f"/members/{jane['id']}")
    assert response.status_code == 200
    assert response.json == jane


@pytest.mark.parametrize("query", ["jane@example.com", "JANE@Example.COM", "  Jane@example.com "])
def test_members_are_found_by_email_whatever_its_case(api: Any, jane: dict[str, Any], query: str) -> None:
    response = api.get("/members", query_string={"email": query})
    assert response.status_code == 200
    assert [m["id"] for m in response.json["items"]] == [jane["id"]]


def test_email_search_answers_only_the_matching_member(api: Any, deliver: Any, jane: dict[str, Any]) -> None:
    deliver("orders/paid", order_for(5550001, "bob@example.com", 9990001))
    response = api.get("/members", query_string={"email": "bob@example.com"})
    assert [m["platform_customer_id"] for m in response.json["items"]] == ["5550001"]
    assert api.get("/members", query_string={"email": "nobody@example.com"}).json == {"items": [], "total": 0}
    assert len(api.get("/members").json["items"]) == 2


def test_email_search_ignores_the_case_of_non_ascii_letters(api: Any, deliver: Any) -> None:
    deliver("orders/paid", order_for(5550002, "Ömer.Çelik@Example.com", 9990002))

    for query in ("ömer.çelik@example.com", "ÖMER.ÇELIK@EXAMPLE.COM"):
        items = api.get("/members", query_string={"email": query}).json["items"]
        assert [m["platform_customer_id"] for m in items] == ["5550002"], query


def test_unknown_member_is_a_json_404(api: Any, jane: dict[str, Any]) -> None:
    for path in (f"/members/{jane['id'] + 1000}", f"/members/{jane['id'] + 1000}/ledger"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert set(response.json) == {"error", "details"}


def test_ledger_lists_entries_newest_first(api: Any, jane: dict[str, Any]) -> None:
    assert adjust(api, jane["id"], 10, "first").status_code == 201
    assert adjust(api, jane["id"], -5, "second").status_code == 201

    response = api.get(f"/members/{jane['id']}/ledger")
    assert response.status_code == 200
    items = response.json["items"]
    ids = [entry["id"] for entry in items]
    assert ids == sorted(ids, reverse=True)
    assert [entry["points"] for entry in items[:2]] == [-5, 10]
    earned = {entry["account"]: entry for entry in items[2:]}
    assert earned["points"]["points"] == 181
    assert earned["points"]["source_id"] == "1073459981"
    assert earned["cashback"]["cashback"] == "3.62"
    assert earned["cashback"]["points"] is None


def test_ledger_pages_do_not_overlap(api: Any, jane: dict[str, Any]) -> None:
    adjust(api, jane["id"], 10, "one")
    path = f"/members/{jane['id']}/ledger"
    everything = [e["id"] for e in api.get(path).json["items"]]
    first = [e["id"] for e in api.get(path, query_string={"page": 1, "page_size": 2}).json["items"]]
    second = [e["id"] for e in api.get(path, query_string={"page": 2, "page_size": 2}).json["items"]]
    assert len(everything) == 3
    assert first + second == everything


def test_every_list_answer_carries_the_total_across_pages(api: Any, deliver: Any, jane: dict[str, Any]) -> None:
    adjust(api, jane["id"], 10, "one")
    assert deliver("orders/paid", order_for(77, "budi@example.com", 9001)).status_code == 200
    one_per_page = {"page": 1, "page_size": 1}
    members = api.get("/members", query_string=one_per_page).json
    assert len(members["items"]) == 1 and members["total"] == 2
    assert api.get("/members", query_string={"email": jane["email"].upper()}).json["total"] == 1
    ledger = api.get(f"/members/{jane['id']}/ledger", query_string={"page": 2, "page_size": 2}).json
    assert len(ledger["items"]) == 1 and ledger["total"] == 3
    api.post("/rewards", {"name": "Tote", "points_cost": 5, "kind": "free_shipping"})
    assert api.get("/rewards").json["total"] == 1
    assert api.get(f"/members/{jane['id']}/coupons").json["total"] == 0
    assert api.get("/settings/changes", query_string=one_per_page).json["total"] == 0
    assert api.get("/data-requests").json["total"] == 0
    document = api.get("/openapi.json").json
    for name in ("MemberList", "EntryList", "RewardList", "CouponList", "ChangeList", "DataRequestList"):
        assert "total" in document["components"]["schemas"][name]["required"], name


# --- adjustments ---------------------------------------------------------------------------------


def test_adjustment_is_created_and_moves_the_balance(api: Any, jane: dict[str, Any]) -> None:
    response = adjust(api, jane["id"], 19, "birthday", reason="happy birthday")
    assert response.status_code == 201
    assert response.json["member"]["points_available"] == 200
    assert response.json["member"]["lifetime_points"] == 200
    assert response.json["entry"]["points"] == 19
    assert "happy birthday" in response.json["entry"]["reason"]
    assert balance(api, jane["id"]) == 200


def test_replayed_adjustment_changes_nothing(api: Any, jane: dict[str, Any]) -> None:
    first = adjust(api, jane["id"], 25, "promo-42")
    assert first.status_code == 201

    replay = adjust(api, jane["id"], 25, "promo-42")
    assert replay.status_code == 200
    assert replay.json["entry"]["id"] == first.json["entry"]["id"]
    assert balance(api, jane["id"]) == 206
    assert len(api.get(f"/members/{jane['id']}/ledger").json["items"]) == 3


def test_replayed_negative_adjustment_takes_points_once(api: Any, jane: dict[str, Any]) -> None:
    assert adjust(api, jane["id"], -100, "fix-1").status_code == 201
    assert adjust(api, jane["id"], -100, "fix-1").status_code == 200
    assert balance(api, jane["id"]) == 81


def test_reused_idempotency_key_with_another_amount_is_a_conflict(api: Any, jane: dict[str, Any]) -> None:
    assert adjust(api, jane["id"], 25, "promo-42").status_code == 201

    response = adjust(api, jane["id"], 30, "promo-42")
    assert response.status_code == 409
    assert set(response.json) == {"error", "details"}
    assert balance(api, jane["id"]) == 206


def test_idempotency_key_used_for_one_member_conflicts_for_another(
    api: Any, deliver: Any, jane: dict[str, Any]
) -> None:
    deliver("orders/paid", order_for(5550001, "bob@example.com", 9990001))
    bob = api.member(5550001)
    assert adjust(api, jane["id"], 25, "shared-key").status_code == 201

    assert adjust(api, bob["id"], 25, "shared-key").status_code == 409
    assert balance(api, bob["id"]) == 181


def test_taking_more_points_than_available_is_refused_and_changes_nothing(api: Any, jane: dict[str, Any]) -> None:
    ledger_before = api.get(f"/members/{jane['id']}/ledger").json

    response = adjust(api, jane["id"], -182, "too-much")
    assert response.status_code == 409
    assert set(response.json) == {"error", "details"}
    assert api.get(f"/members/{jane['id']}").json == jane
    assert api.get(f"/members/{jane['id']}/ledger").json == ledger_before
    # the refused key was not used up
    assert adjust(api, jane["id"], -181, "too-much").status_code == 201
    assert balance(api, jane["id"]) == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"points", "reason", "idempotency_key"}),
        ({"points": "ten", "reason": "x", "idempotency_key": "k"}, {"points"}),
        ({"points": 1.5, "reason": "x", "idempotency_key": "k"}, {"points"}),
        ({"points": True, "reason": "x", "idempotency_key": "k"}, {"points"}),
        ({"points": 0, "reason": "x", "idempotency_key": "k"}, {"points"}),
        ({"points": 5, "reason": "", "idempotency_key": "k"}, {"reason"}),
        ({"points": 5, "reason": "x", "idempotency_key": ""}, {"idempotency_key"}),
        ({"points": 5, "reason": "x", "idempotency_key": "k", "extra": 1}, {"extra"}),
    ],
    ids=["empty", "points-string", "points-float", "points-bool", "points-zero", "no-reason", "no-key", "unknown"],
)
def test_invalid_adjustment_is_422_with_field_errors_and_changes_nothing(
    api: Any, jane: dict[str, Any], body: dict[str, Any], fields: set[str]
) -> None:
    response = api.post(f"/members/{jane['id']}/adjustments", body)
    assert response.status_code == 422
    assert response.json["error"]
    assert set(response.json["details"]) == fields
    assert api.get(f"/members/{jane['id']}").json == jane


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("points=5&reason=x&idempotency_key=k", "application/x-www-form-urlencoded"),
        ('{"points": 5, "reason": "x", "idempotency_key": "k"', "application/json"),
        ('{"points": 5, "reason": "x", "idempotency_key": "k"}', "text/plain"),
        ("[5]", "application/json"),
        ("", "application/json"),
    ],
    ids=["form", "truncated-json", "json-as-text", "json-array", "empty"],
)
def test_adjustment_body_that_is_not_a_json_object_is_422(
    client: Any, api: Any, jane: dict[str, Any], data: str, content_type: str
) -> None:
    response = client.post(
        f"/api/v1/members/{jane['id']}/adjustments",
        data=data,
        content_type=content_type,
        headers=api.headers,
    )
    assert response.status_code == 422
    assert response.is_json
    assert set(response.json) == {"error", "details"}
    assert balance(api, jane["id"]) == 181


def concurrently(app: Flask, api: Any, member_id: int, bodies: list[dict[str, Any]]) -> list[int]:
    """POST the adjustments at the same time, each from its own client; their status codes."""

    def send(body: dict[str, Any]) -> int:
        url = f"/api/v1/members/{member_id}/adjustments"
        return int(app.test_client().post(url, json=body, headers=api.headers).status_code)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def test_concurrent_spends_never_take_the_balance_below_zero(app: Flask, api: Any, jane: dict[str, Any]) -> None:
    bodies = [{"points": -50, "reason": "race", "idempotency_key": f"race-{n}"} for n in range(8)]

    codes = concurrently(app, api, jane["id"], bodies)
    assert sorted(codes) == [201, 201, 201] + [409] * 5
    assert balance(api, jane["id"]) == 31
    assert len(api.get(f"/members/{jane['id']}/ledger").json["items"]) == 5


def test_concurrent_replays_of_one_key_apply_once(app: Flask, api: Any, jane: dict[str, Any]) -> None:
    bodies = [{"points": 40, "reason": "race", "idempotency_key": "once"} for _ in range(6)]

    codes = concurrently(app, api, jane["id"], bodies)
    assert sorted(codes) == [200] * 5 + [201]
    assert balance(api, jane["id"]) == 221


# --- settings ------------------------------------------------------------------------------------


def test_settings_show_the_shop_values_with_defaults_filled_in(api: Any) -> None:
    response = api.get("/settings")
    assert response.status_code == 200
    settings = response.json
    assert settings["points_per_unit"] == "1"
    assert settings["cashback_percent"] == "2"
    assert settings["pending_days"] == 0
    assert settings["unboxing"]["enabled"] is False
    assert isinstance(settings["unboxing"]["discount_percent"], str)
    assert isinstance(settings["unboxing"]["expires_days"], int)


def test_partial_patch_returns_the_whole_settings(api: Any) -> None:
    before = api.get("/settings").json

    response = api.patch("/settings", {"cashback_percent": "5.5"})
    assert response.status_code == 200
    assert response.json == {**before, "cashback_percent": "5.5"}
    assert api.get("/settings").json == response.json


def test_partial_patch_of_a_nested_setting_keeps_its_siblings(api: Any) -> None:
    before = api.get("/settings").json

    response = api.patch("/settings", {"unboxing": {"enabled": True}})
    assert response.status_code == 200
    assert response.json["unboxing"] == {**before["unboxing"], "enabled": True}
    assert api.get("/settings").json == response.json


def test_changed_settings_apply_to_new_orders(api: Any, deliver: Any) -> None:
    assert api.patch("/settings", {"points_per_unit": "2", "cashback_percent": "10"}).status_code == 200

    deliver("orders/paid", fake30())
    member = api.member(JANE_ID)
    assert member["points_available"] == 362
    assert member["cashback_available"] == "18.10"


def test_pending_days_keep_new_earnings_pending(api: Any, deliver: Any) -> None:
    assert api.patch("/settings", {"pending_days": 14}).status_code == 200

    deliver("orders/paid", with_changes(fake30(), processed_at="2099-01-01T00:00:00Z"))
    member = api.member(JANE_ID)
    assert member["points_available"] == 0
    assert member["points_pending"] == 181
    assert member["cashback_pending"] == "3.62"


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"cashback_percent": "150"}, "cashback_percent"),
        ({"cashback_percent": "-1"}, "cashback_percent"),
        ({"pending_days": -1}, "pending_days"),
        ({"pending_days": "3"}, "pending_days"),
        ({"pending_days": 1.5}, "pending_days"),
        ({"points_per_unit": "abc"}, "points_per_unit"),
        ({"points_per_unit": "NaN"}, "points_per_unit"),
        ({"no_such_setting": 1}, "no_such_setting"),
        ({"unboxing": {"enabled": "yes"}}, "unboxing"),
        ({"unboxing": {"expires_days": 0}}, "unboxing"),
        ({"unboxing": {"colour": "red"}}, "unboxing"),
        ({"pending_days": 7, "cashback_percent": "150"}, "cashback_percent"),
    ],
    ids=[
        "cashback-150",
        "cashback-negative",
        "pending-negative",
        "pending-string",
        "pending-float",
        "rate-abc",
        "rate-nan",
        "unknown-key",
        "unboxing-yes",
        "unboxing-expires-zero",
        "unboxing-unknown",
        "one-valid-one-invalid",
    ],
)
def test_invalid_settings_are_422_with_field_errors_and_change_nothing(
    api: Any, patch: dict[str, Any], field: str
) -> None:
    before = api.get("/settings").json

    response = api.patch("/settings", patch)
    assert response.status_code == 422
    assert response.json["error"]
    assert field in response.json["details"]
    assert api.get("/settings").json == before
    assert api.get("/settings/changes").json == {"items": [], "total": 0}


def test_decimal_settings_given_as_json_numbers_are_kept_as_decimal_strings(api: Any) -> None:
    response = api.patch("/settings", {"points_per_unit": 1.5, "cashback_percent": 0.1})
    assert response.status_code == 200
    assert response.json["points_per_unit"] == "1.5"
    assert response.json["cashback_percent"] == "0.1"
    assert api.get("/settings").json == response.json


def test_nested_setting_error_names_the_nested_field(api: Any) -> None:
    response = api.patch("/settings", {"unboxing": {"enabled": "yes"}})
    assert response.status_code == 422
    assert "enabled" in response.json["details"]["unboxing"]


def test_settings_patch_that_is_not_a_json_object_is_422(client: Any, api: Any) -> None:
    before = api.get("/settings").json
    for data, content_type in (("cashback_percent=5", "application/x-www-form-urlencoded"), ("[]", "application/json")):
        response = client.patch("/api/v1/settings", data=data, content_type=content_type, headers=api.headers)
        assert response.status_code == 422
        assert set(response.json) == {"error", "details"}
    assert api.get("/settings").json == before


def test_each_real_settings_change_is_recorded_with_actor_and_values(api: Any, shop: dict[str, Any]) -> None:
    api.patch("/settings", {"cashback_percent": "5"})
    api.patch("/settings", {"cashback_percent": "5"})  # no change: not recorded
    api.patch("/settings", {"pending_days": 3, "unboxing": {"enabled": True}})

    response = api.get("/settings/changes")
    assert response.status_code == 200
    items = response.json["items"]
    assert [item["changes"] for item in items] == [
        {"pending_days": {"from": 0, "to": 3}, "unboxing.enabled": {"from": False, "to": True}},
        {"cashback_percent": {"from": "2", "to": "5"}},
    ]
    for item in items:
        assert item["actor"]
        assert shop["api_key"][:10] in item["actor"]
        assert item["created_at"]


# --- one shop never sees another ------------------------------------------------------------------


@pytest.fixture()
def other_api(client: Any, shops: Any) -> Api:
    other = shops.make(domain=OTHER_DOMAIN, settings={"points_per_unit": "1", "cashback_percent": "2"})
    return Api(client, other["api_key"])


def test_another_shops_key_cannot_read_a_member(other_api: Any, jane: dict[str, Any]) -> None:
    for path in (f"/members/{jane['id']}", f"/members/{jane['id']}/ledger"):
        response = other_api.get(path)
        assert response.status_code == 404, path
        assert "jane" not in response.get_data(as_text=True)
    assert other_api.get("/members").json == {"items": [], "total": 0}
    assert other_api.get("/members", query_string={"email": JANE_EMAIL}).json == {"items": [], "total": 0}


def test_another_shops_key_cannot_adjust_a_member(api: Any, other_api: Any, jane: dict[str, Any]) -> None:
    response = adjust(other_api, jane["id"], 1000, "steal")
    assert response.status_code == 404
    assert balance(api, jane["id"]) == 181


def test_same_customer_in_two_shops_is_two_separate_members(
    api: Any, other_api: Any, deliver: Any, jane: dict[str, Any]
) -> None:
    deliver("orders/paid", fake30(), domain=OTHER_DOMAIN)
    theirs = other_api.member(JANE_ID)
    assert theirs is not None
    assert theirs["id"] != jane["id"]
    assert adjust(other_api, theirs["id"], 50, "same-key").status_code == 201
    # the same idempotency key in another shop is another adjustment
    assert adjust(api, jane["id"], 7, "same-key").status_code == 201
    assert balance(other_api, theirs["id"]) == 231
    assert balance(api, jane["id"]) == 188
    assert [m["id"] for m in other_api.get("/members").json["items"]] == [theirs["id"]]


def test_another_shops_settings_are_not_touched(api: Any, other_api: Any) -> None:
    assert other_api.patch("/settings", {"cashback_percent": "9"}).status_code == 200
    assert api.get("/settings").json["cashback_percent"] == "2"
    assert api.get("/settings/changes").json == {"items": [], "total": 0}


# --- the document, unknown paths, pagination ------------------------------------------------------


def test_openapi_document_lists_the_paths_without_a_key(client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = set(response.json["paths"])
    assert {
        "/api/v1/members",
        "/api/v1/members/{member_id}",
        "/api/v1/members/{member_id}/ledger",
        "/api/v1/members/{member_id}/adjustments",
        "/api/v1/settings",
        "/api/v1/settings/changes",
    } <= paths
    assert "patch" in response.json["paths"]["/api/v1/settings"]
    assert "post" in response.json["paths"]["/api/v1/members/{member_id}/adjustments"]


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/members", "/api/", "/api/v1/members/abc"])
def test_unknown_api_path_is_a_json_404(client: Any, api: Any, path: str) -> None:
    anonymous: dict[str, str] = {}
    for headers in (anonymous, api.headers):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.is_json
        assert set(response.json) == {"error", "details"}
        assert "<html" not in response.get_data(as_text=True).lower()


def test_wrong_method_is_a_json_405(api: Any, client: Any) -> None:
    response = client.delete("/api/v1/settings", headers=api.headers)
    assert response.status_code == 405
    assert response.is_json
    assert set(response.json) == {"error", "details"}


@pytest.fixture()
def five_members(deliver: Any, api: Any) -> list[int]:
    for n in range(5):
        deliver("orders/paid", order_for(7770000 + n, f"shopper{n}@example.com", 8880000 + n))
    ids = [m["id"] for m in api.get("/members").json["items"]]
    assert len(ids) == 5
    return ids


def test_members_are_paginated_without_overlap(api: Any, five_members: list[int]) -> None:
    pages = [
        [m["id"] for m in api.get("/members", query_string={"page": page, "page_size": 2}).json["items"]]
        for page in (1, 2, 3, 4)
    ]
    assert [len(page) for page in pages] == [2, 2, 1, 0]
    assert [member_id for page in pages for member_id in page] == five_members


def test_page_size_of_100_is_accepted(api: Any, five_members: list[int]) -> None:
    response = api.get("/members", query_string={"page_size": 100})
    assert response.status_code == 200
    assert [m["id"] for m in response.json["items"]] == five_members


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1000}, "page_size"),
        ({"page_size": "many"}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
    ],
)
def test_out_of_range_pagination_is_422(api: Any, query: dict[str, Any], field: str) -> None:
    for path in ("/members", "/settings/changes"):
        response = api.get(path, query_string=query)
        assert response.status_code == 422, path
        assert field in response.json["details"]


def test_out_of_range_ledger_page_size_is_422(api: Any, jane: dict[str, Any]) -> None:
    response = api.get(f"/members/{jane['id']}/ledger", query_string={"page_size": 1000})
    assert response.status_code == 422
    assert "page_size" in response.json["details"]

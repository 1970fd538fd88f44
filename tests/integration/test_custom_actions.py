"""Custom ways to earn through the merchant API (`/api/v1/actions`, `POST /members/<id>/actions`)
and the social click-throughs from the widget: idempotency keys, limits per period in the shop's
time zone, and nothing written by a refused call. `ledger verify` clean after each."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask

from integrator.loyalty.models import Shop
from tests.deliveries import fake30
from tests.integration.test_widget_api import signed, widget_secret

pytestmark = pytest.mark.usefixtures("ledger_checked")

JANE = "1073339475"


@pytest.fixture()
def jane(deliver: Any, api: Any) -> dict[str, Any]:
    deliver("orders/paid", fake30())
    member = api.member(JANE)
    assert member is not None and member["points_available"] == 181
    return member


def credit(api: Any, member: dict[str, Any], action: str, key: str) -> Any:
    return api.post(f"/members/{member['id']}/actions", {"action": action, "idempotency_key": key})


def test_a_custom_action_credits_once_per_idempotency_key(api: Any, jane: dict[str, Any]) -> None:
    made = api.post("/actions", {"name": "product_review", "points": 25, "limit": 3, "period": "lifetime"})
    assert made.status_code == 201 and made.json["id"] and made.json["period"] == "lifetime"
    first = credit(api, jane, "product_review", "review-991")
    assert first.status_code == 201, first.json
    assert (first.json["entry"]["points"], first.json["member"]["points_available"]) == (25, 181 + 25)
    again = credit(api, jane, "product_review", "review-991")
    assert again.status_code == 200 and again.json["created"] is False
    assert again.json["entry"]["id"] == first.json["entry"]["id"]
    assert api.member(JANE)["points_available"] == 181 + 25


def test_the_limit_per_period_is_counted_in_the_shop_time_zone(
    api: Any, jane: dict[str, Any], app: Flask, shop: Any
) -> None:
    with app.extensions["setia_db"].session() as session:
        session.get(Shop, shop["id"]).timezone = "Asia/Jakarta"
    api.post("/actions", {"name": "quiz", "points": 10, "limit": 2, "period": "day"})
    # 2027-05-01 16:59 UTC is 23:59 in Jakarta; 17:00 UTC is the next day there.
    with time_machine.travel(datetime(2027, 5, 1, 10, 0, tzinfo=UTC), tick=False):
        assert credit(api, jane, "quiz", "q1").status_code == 201
        assert credit(api, jane, "quiz", "q2").status_code == 201
    with time_machine.travel(datetime(2027, 5, 1, 16, 59, tzinfo=UTC), tick=False):
        refused = credit(api, jane, "quiz", "q3")
        assert refused.status_code == 409 and refused.json["details"]["limit"] == 2
        assert credit(api, jane, "quiz", "q1").status_code == 200  # a replay still answers
    with time_machine.travel(datetime(2027, 5, 1, 17, 0, tzinfo=UTC), tick=False):
        assert credit(api, jane, "quiz", "q3").status_code == 201
    assert api.member(JANE)["points_available"] == 181 + 30


def test_bad_credits_are_refused_and_change_nothing(api: Any, jane: dict[str, Any], shops: Any) -> None:
    api.post("/actions", {"name": "survey", "points": 5})
    assert credit(api, jane, "no_such_action", "k1").status_code == 404
    assert api.post("/members/999999/actions", {"action": "survey", "idempotency_key": "k1"}).status_code == 404
    assert api.post(f"/members/{jane['id']}/actions", {"action": "survey"}).status_code == 422
    assert (
        api.post(f"/members/{jane['id']}/actions", {"action": "survey", "idempotency_key": "x" * 101}).status_code
        == 422
    )
    assert credit(api, jane, "survey", "k1").status_code == 201
    other = api.post("/actions", {"name": "other", "points": 5})
    assert other.status_code == 201
    assert credit(api, jane, "other", "k1").status_code == 409  # the key names another credit
    assert api.member(JANE)["points_available"] == 181 + 5


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Product Review", "points": 5},
        {"name": "review", "points": 0},
        {"name": "review", "points": 10**7},
        {"name": "review", "points": 5, "limit": 0},
        {"name": "review", "points": 5, "period": "hour"},
        {"name": "review", "points": "5"},
        {"name": "a" * 41, "points": 5},
        {"name": "review:1", "points": 5},
        {"points": 5},
    ],
)
def test_an_invalid_action_is_422(api: Any, body: dict[str, Any]) -> None:
    answer = api.post("/actions", body)
    assert answer.status_code == 422, answer.json
    assert api.get("/actions").json["items"] == []


def test_actions_can_be_changed_and_removed(api: Any, jane: dict[str, Any]) -> None:
    made = api.post("/actions", {"name": "survey", "points": 5}).json
    assert api.post("/actions", {"name": "survey", "points": 9}).status_code == 409
    changed = api.patch(f"/actions/{made['id']}", {"points": 7, "period": "month"})
    assert (changed.status_code, changed.json["points"], changed.json["name"]) == (200, 7, "survey")
    assert api.patch(f"/actions/{made['id']}", {"name": "renamed"}).status_code == 422
    assert credit(api, jane, "survey", "s1").json["entry"]["points"] == 7
    removed = api.client.delete(f"/api/v1/actions/{made['id']}", headers=api.headers)
    assert removed.status_code == 204
    assert credit(api, jane, "survey", "s2").status_code == 404
    assert api.member(JANE)["points_available"] == 181 + 7  # what it credited stays


def test_the_openapi_document_describes_the_actions(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"post"} <= set(paths["/api/v1/members/{member_id}/actions"])
    assert {"get", "post"} <= set(paths["/api/v1/actions"])


@pytest.fixture()
def social_shop(api: Any, shop: dict[str, Any]) -> dict[str, Any]:
    answer = api.patch(
        "/settings", {"bonus": {"social_points": 15}, "social": {"instagram_url": "https://www.instagram.com/tokobudi"}}
    )
    assert answer.status_code == 200, answer.json
    return shop


def test_a_social_click_through_earns_once_per_network(
    client: Any, app: Flask, social_shop: Any, api: Any, jane: Any
) -> None:
    query = signed(JANE, widget_secret(app, social_shop["id"]))
    url = f"/widget/v1/{social_shop['public_id']}/social/instagram"
    first = client.post(url, query_string=query)
    assert first.status_code == 200
    assert (first.json["credited"], first.json["points"], first.json["url"]) == (
        True,
        15,
        "https://www.instagram.com/tokobudi",
    )
    again = client.post(url, query_string=query)
    assert (again.status_code, again.json["credited"]) == (200, False)
    assert client.post(f"/widget/v1/{social_shop['public_id']}/social/tiktok", query_string=query).status_code == 404
    assert client.post(f"/widget/v1/{social_shop['public_id']}/social/myspace", query_string=query).status_code == 404
    assert client.post(url).status_code == 401
    assert api.member(JANE)["points_available"] == 181 + 15
    earn = client.get(f"/widget/v1/{social_shop['public_id']}/earn", query_string=query).json["items"]
    assert [(w["kind"], w.get("network"), w["state"]) for w in earn] == [("social", "instagram", "done")]


@pytest.mark.parametrize(
    "url",
    [
        "http://www.instagram.com/tokobudi",
        "https://instagram.com.evil.example/tokobudi",
        "https://www.tiktok.com/@tokobudi",
        "https://www.instagram.com/",
        "javascript:alert(1)",
        "https://www.instagram.com/a b",
    ],
)
def test_a_profile_url_must_be_on_the_network(api: Any, url: str) -> None:
    answer = api.patch("/settings", {"social": {"instagram_url": url}})
    assert answer.status_code == 422
    assert api.get("/settings").json["social"]["instagram_url"] is None


def test_the_earn_answer_says_what_is_done_and_when_it_comes_back(
    client: Any, app: Flask, shop: Any, api: Any, deliver: Any
) -> None:
    from tests.deliveries import fixture, with_changes

    api.patch("/settings", {"bonus": {"signup_points": 50}})
    bob = "706405506930370084"
    deliver("customers/create", with_changes(fixture("customers_create__guest_checkout_record"), state="enabled"))
    member = api.member(bob)
    api.post("/actions", {"name": "quiz", "points": 10, "limit": 1, "period": "week"})
    with time_machine.travel(datetime(2027, 5, 5, 10, 0, tzinfo=UTC), tick=False):  # a Wednesday
        ways = client.get(
            f"/widget/v1/{shop['public_id']}/earn", query_string=signed(bob, widget_secret(app, shop["id"]))
        )
        assert [(w["kind"], w["state"], w["next_at"]) for w in ways.json["items"]] == [
            ("signup", "done", None),
            ("action", "available", None),
        ]
        assert credit(api, member, "quiz", "w1").status_code == 201
        ways = client.get(
            f"/widget/v1/{shop['public_id']}/earn", query_string=signed(bob, widget_secret(app, shop["id"]))
        )
        assert ways.json["items"][1]["state"] == "done"
        assert ways.json["items"][1]["next_at"] == "2027-05-10"  # the next Monday

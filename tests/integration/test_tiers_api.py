"""The merchant API of tiers and campaigns: bounds (five tiers, multipliers, times with an offset),
422 with field errors and nothing stored, 404 for another shop's, the OpenAPI document, rewards only
a tier sees (absent from the public programme, refused at redemption to others), running campaigns
in the public programme."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Api, Deliverer, Shops
from tests.deliveries import OTHER_DOMAIN, fake30
from tests.integration.test_widget_api import signed, widget_secret

pytestmark = pytest.mark.usefixtures("ledger_checked")

CUSTOMER = "1073339475"
WINDOW = {"starts_at": "2026-11-01T00:00:00+07:00", "ends_at": "2099-11-03T00:00:00+07:00"}


def test_five_tiers_and_not_a_sixth(api: Api) -> None:
    for index in range(5):
        body = {"name": f"Tier {index}", "threshold": str(100 * index), "multiplier": "1.25"}
        assert api.post("/tiers", body).status_code == 201
    sixth = api.post("/tiers", {"name": "Sixth", "threshold": "9999", "multiplier": "3"})
    assert sixth.status_code == 422 and sixth.json["error"] == "a shop has at most 5 tiers"
    listed = api.get("/tiers").json["items"]
    assert [tier["name"] for tier in listed] == [f"Tier {index}" for index in range(5)]
    assert listed[0] == {
        "id": listed[0]["id"],
        "name": "Tier 0",
        "threshold": "0",
        "multiplier": "1.25",
        "birthday_multiplier": "1",
        "entry_reward_id": None,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Gold", "threshold": "100", "multiplier": "0.5"}, "multiplier"),
        ({"name": "Gold", "threshold": "100", "multiplier": "11"}, "multiplier"),
        ({"name": "Gold", "threshold": "-1", "multiplier": "2"}, "threshold"),
        ({"name": "Gold", "threshold": "1e40", "multiplier": "2"}, "threshold"),
        ({"name": "Gold", "threshold": "10.001", "multiplier": "2"}, "threshold"),
        ({"name": " ", "threshold": "100", "multiplier": "2"}, "name"),
        ({"name": "x" * 61, "threshold": "100", "multiplier": "2"}, "name"),
        ({"name": "Gold", "threshold": 100, "multiplier": "2", "colour": "gold"}, "colour"),
        ({"name": "Gold", "threshold": "100", "multiplier": "2", "entry_reward_id": 999}, "entry_reward_id"),
        ({"name": "Gold", "threshold": "100", "multiplier": "2", "entry_reward_id": 2**70}, "entry_reward_id"),
        ({"threshold": "100", "multiplier": "2"}, "name"),
    ],
)
def test_a_bad_tier_is_refused_with_its_field_and_nothing_stored(api: Api, body: dict[str, Any], field: str) -> None:
    response = api.post("/tiers", body)
    assert response.status_code == 422
    assert field in response.json["details"]
    assert api.get("/tiers").json["items"] == []


def test_two_tiers_may_not_share_a_name_or_a_threshold_and_a_patch_is_validated_whole(api: Api) -> None:
    gold = api.post("/tiers", {"name": "Gold", "threshold": "1000", "multiplier": "2"}).json["id"]
    same_name = api.post("/tiers", {"name": "gold", "threshold": "5", "multiplier": "2"})
    assert same_name.status_code == 422 and "name" in same_name.json["details"]
    same_threshold = api.post("/tiers", {"name": "Silver", "threshold": "1000.00", "multiplier": "1.5"})
    assert same_threshold.status_code == 422 and "threshold" in same_threshold.json["details"]
    patched = api.patch(f"/tiers/{gold}", {"multiplier": "2.5"})
    assert patched.status_code == 200 and patched.json["multiplier"] == "2.5"
    assert api.patch(f"/tiers/{gold}", {"multiplier": "0"}).status_code == 422
    assert api.get(f"/tiers/{gold}").json["multiplier"] == "2.5"


def test_another_shops_tier_and_campaign_are_not_found(api: Api, client: FlaskClient, shops: Shops) -> None:
    other = Api(client, shops.make(domain=OTHER_DOMAIN)["api_key"])
    tier = other.post("/tiers", {"name": "Gold", "threshold": "1", "multiplier": "2"}).json["id"]
    campaign = other.post("/campaigns", {"name": "Double", "multiplier": "2", **WINDOW}).json["id"]
    for path in (f"/tiers/{tier}", f"/campaigns/{campaign}", "/tiers/0", f"/tiers/{2**70}"):
        assert api.get(path).status_code == 404
        assert api.patch(path, {"name": "Mine"}).status_code == 404
        assert api.client.delete(f"/api/v1{path}", headers=api.headers).status_code == 404
    refused = api.post("/campaigns", {"name": "Theirs", "multiplier": "2", "tier_id": tier, **WINDOW})
    assert refused.status_code == 422 and "tier_id" in refused.json["details"]
    assert other.get(f"/tiers/{tier}").json["name"] == "Gold"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": "2026-11-01T00:00:00"}, "starts_at"),  # no offset
        ({"ends_at": "2026-10-01T00:00:00+07:00"}, "ends_at"),  # before it starts
        ({"multiplier": "1", "bonus_points": 0}, "multiplier"),  # gives nothing
        ({"multiplier": "100"}, "multiplier"),
        ({"bonus_points": -5}, "bonus_points"),
        ({"bonus_points": 10**7}, "bonus_points"),
        ({"min_order": "0.001"}, "min_order"),
        ({"product_ids": ["x" * 65]}, "product_ids"),
        ({"product_ids": [str(n) for n in range(101)]}, "product_ids"),
        ({"tier_id": 12345}, "tier_id"),
    ],
)
def test_a_bad_campaign_is_refused_with_its_field_and_nothing_stored(
    api: Api, changes: dict[str, Any], field: str
) -> None:
    response = api.post("/campaigns", {"name": "Double", "multiplier": "2", **WINDOW, **changes})
    assert response.status_code == 422
    assert field in response.json["details"]
    assert api.get("/campaigns").json["items"] == []


def test_a_campaign_is_kept_in_utc_changed_in_part_and_deleted(api: Api) -> None:
    created = api.post("/campaigns", {"name": "Double", "multiplier": "2", **WINDOW})
    assert created.status_code == 201
    assert created.json["starts_at"] == "2026-10-31T17:00:00+00:00"
    campaign_id = created.json["id"]
    patched = api.patch(f"/campaigns/{campaign_id}", {"bonus_points": 25})
    assert patched.status_code == 200 and (patched.json["bonus_points"], patched.json["multiplier"]) == (25, "2")
    assert api.client.delete(f"/api/v1/campaigns/{campaign_id}", headers=api.headers).status_code == 204
    assert api.get("/campaigns").json["items"] == []


def test_the_openapi_document_describes_tiers_and_campaigns(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/tiers"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/tiers/{tier_id}"])
    assert {"get", "post"} <= set(paths["/api/v1/campaigns"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/campaigns/{campaign_id}"])


def test_a_reward_for_a_tier_is_only_for_its_members(
    api: Api, client: FlaskClient, app: Flask, shop: dict[str, Any], deliver: Deliverer
) -> None:
    gold = api.post("/tiers", {"name": "Gold", "threshold": "150", "multiplier": "2"}).json["id"]
    silver = api.post("/tiers", {"name": "Silver", "threshold": "10", "multiplier": "1.5"}).json["id"]
    perk = {"name": "Gold gift", "points_cost": 10, "kind": "free_shipping", "tier_id": gold}
    reward = api.post("/rewards", perk)
    assert reward.status_code == 201 and reward.json["tier_id"] == gold
    public = client.get(f"/widget/v1/{shop['public_id']}/program").json
    assert public["rewards"] == []
    assert [tier["name"] for tier in public["tiers"]] == ["Silver", "Gold"]
    identity = signed(CUSTOMER, widget_secret(app, shop["id"]))
    redeem = f"/widget/v1/{shop['public_id']}/redemptions"
    assert client.post(redeem, query_string=identity, json={"reward_id": reward.json["id"]}).status_code == 404
    deliver("orders/paid", fake30())  # 181.09: Gold
    member = api.member(CUSTOMER)
    assert member is not None and member["tier"] == "Gold"
    me = client.get(f"/widget/v1/{shop['public_id']}/me", query_string=identity).json
    assert [r["name"] for r in me["tier_rewards"]] == ["Gold gift"]  # offered to Gold members in the widget
    answer = client.post(redeem, query_string=identity, json={"reward_id": reward.json["id"]})
    assert answer.status_code == 201
    assert api.post("/rewards", {**perk, "tier_id": 999_999}).status_code == 422
    # Deleting the tier switches its rewards off rather than offering them to everyone.
    assert api.client.delete(f"/api/v1/tiers/{gold}", headers=api.headers).status_code == 204
    assert client.get(f"/widget/v1/{shop['public_id']}/program").json["rewards"] == []
    assert api.member(CUSTOMER)["tier"] is None
    assert silver


def test_the_public_programme_lists_running_campaigns(api: Api, client: FlaskClient, shop: dict[str, Any]) -> None:
    api.post("/campaigns", {"name": "Weekend double", "multiplier": "2", **WINDOW})
    api.post(
        "/campaigns",
        {"name": "Over", "multiplier": "3", "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2020-01-02T00:00:00Z"},
    )
    campaigns = client.get(f"/widget/v1/{shop['public_id']}/program").json["campaigns"]
    assert [(c["name"], c["multiplier"], c["bonus_points"]) for c in campaigns] == [("Weekend double", "2", 0)]


def test_entering_a_tier_gives_its_entry_reward_once(api: Api, client: FlaskClient, deliver: Deliverer) -> None:
    gift = api.post("/rewards", {"name": "Welcome to Gold", "points_cost": 1, "kind": "free_shipping"}).json["id"]
    assert (
        api.post("/tiers", {"name": "Gold", "threshold": "150", "multiplier": "2", "entry_reward_id": gift}).status_code
        == 201
    )
    deliver("orders/paid", fake30())  # 181.09: enters Gold
    deliver("orders/updated", fake30())  # a replay moves nothing
    member = api.member(CUSTOMER)
    assert member is not None and member["tier"] == "Gold" and member["points_available"] == 181  # nothing spent
    coupons = api.get(f"/members/{member['id']}/coupons").json["items"]
    assert [(c["kind"], c["status"]) for c in coupons] == [("reward", "pending")]


def test_a_members_tier_changes_are_in_the_privacy_export(api: Api, deliver: Deliverer) -> None:
    api.post("/tiers", {"name": "Gold", "threshold": "150", "multiplier": "2"})
    deliver("orders/paid", fake30())
    email = fake30()["customer"]["email"]
    [export] = api.post("/data-requests", {"kind": "data_request", "email": email}).json["export"]["shoppers"]
    assert [(c["from"], c["to"], c["reason"]) for c in export["tier_changes"]] == [(None, "Gold", "order")]

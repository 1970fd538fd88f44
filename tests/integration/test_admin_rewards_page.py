"""The rewards catalogue's endpoints: the API's rules (field errors, nothing stored), one shop's
rewards only, CSRF and sign-in like every change."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Api

from .test_admin_frame import sign_in

GOOD = {"name": "Free shipping", "points_cost": 300, "kind": "free_shipping"}


def test_a_bad_reward_answers_field_errors_and_stores_nothing(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    csrf = sign_in(app, client, shop["id"])
    bad = {"name": "", "points_cost": "ten", "kind": "percentage", "value": "150"}
    response = client.post("/admin/api/rewards", json=bad, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422
    assert {"name", "points_cost"} <= set(response.json["details"])
    assert Api(client, shop["api_key"]).get("/rewards", query_string={"include_inactive": "true"}).json["items"] == []


def test_the_page_lists_inactive_rewards_and_edits_only_the_shops_own(
    app: Flask, client: FlaskClient, shop: dict[str, Any], shops
) -> None:
    other = shops.make(domain="other-shop.myshopify.com")
    theirs = Api(client, other["api_key"]).post("/rewards", GOOD).json
    csrf = sign_in(app, client, shop["id"])
    mine = client.post("/admin/api/rewards", json=GOOD, headers={"X-CSRF-Token": csrf})
    assert mine.status_code == 201 and mine.json["reward"]["active"] is True
    off = client.patch(
        f"/admin/api/rewards/{mine.json['reward']['id']}", json={"active": False}, headers={"X-CSRF-Token": csrf}
    )
    assert off.status_code == 200 and off.json["reward"]["active"] is False
    page = client.get("/admin/rewards").get_data(as_text=True)
    assert f'id="reward-{mine.json["reward"]["id"]}"' in page and "Inactive" in page and "Reactivate" in page
    assert f'id="reward-{theirs["id"]}"' not in page
    foreign = client.patch(f"/admin/api/rewards/{theirs['id']}", json={"active": False}, headers={"X-CSRF-Token": csrf})
    assert foreign.status_code == 404
    assert Api(client, other["api_key"]).get("/rewards").json["items"][0]["active"] is True


def test_reward_changes_need_a_session_and_the_csrf_token(
    app: Flask, client: FlaskClient, shop: dict[str, Any]
) -> None:
    assert client.post("/admin/api/rewards", json=GOOD).status_code == 401
    sign_in(app, client, shop["id"])
    refused = client.post("/admin/api/rewards", json=GOOD)
    assert refused.status_code == 400 and refused.json["error"] == "missing or wrong CSRF token"
    form = client.post("/admin/api/rewards", data={"name": "x"})
    assert form.status_code == 400 and "Nothing was changed" in form.get_data(as_text=True)
    assert Api(client, shop["api_key"]).get("/rewards").json["items"] == []


def test_the_compact_list_counts_redemptions_and_keeps_inactive_rewards_apart(
    app: Flask, client: FlaskClient, shops: Any
) -> None:
    from integrator.loyalty.models import Coupon

    shop = shops.make(currency="IDR")
    api = Api(client, shop["api_key"])
    voucher = api.post("/rewards", {"name": "Voucher", "points_cost": 1500, "kind": "fixed_amount", "value": "10000"})
    shipping = api.post("/rewards", {**GOOD, "points_cost": 300}).json
    old = api.post("/rewards", {"name": "Old", "points_cost": 50, "kind": "percentage", "value": "12.5"}).json
    api.patch(f"/rewards/{old['id']}", {"active": False})
    with app.extensions["setia_db"].session() as session:
        for n, status in enumerate(("active", "pending", "failed")):  # a refused code gave the points back
            session.add(
                Coupon(
                    shop_id=shop["id"],
                    kind="reward",
                    source_id=str(voucher.json["id"]),
                    code=f"SETIA-{n}",
                    status=status,
                    platform="shopify",
                    value_type="fixed_amount",
                    value="10000",
                    idempotency_key=f"k{n}",
                )
            )
    sign_in(app, client, shop["id"])
    page = client.get("/admin/rewards").get_data(as_text=True)
    active, _, inactive = page.partition('id="inactive-title"')
    assert f'id="reward-{voucher.json["id"]}"' in active and f'id="reward-{old["id"]}"' in inactive
    assert f'id="reward-{old["id"]}"' not in active
    item = page[page.index(f'id="reward-{voucher.json["id"]}"') :]
    assert 'data-redemptions="2"' in item[: item.index("</li>")]
    assert "1,500 points" in item and "Rp 10,000" in item[: item.index("</li>")].replace(".", ",")
    assert "12.5%" in inactive
    shipping_item = page[page.index(f'id="reward-{shipping["id"]}"') :]
    assert "<div data-value-field hidden>" in shipping_item[: shipping_item.index("</li>")]  # free shipping: no value
    assert "<details" in item[: item.index("</li>")]  # edited on demand

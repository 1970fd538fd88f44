"""One shape per resource (integrator/loyalty/shapes.py) and one mapping of domain errors to HTTP
(integrator/http_errors.py): what each caller sees of the same coupon, and of the same error."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from integrator.loyalty import errors, shapes
from tests.conftest import drain
from tests.deliveries import fake30

from .test_rewards_and_redemptions import CREATED, JANE, VOUCHER, redeem

pytestmark = pytest.mark.usefixtures("ledger_checked")

MERCHANT_ONLY = {"id", "platform", "platform_id", "source_id", "starts_at", "last_error", "created_at"}


def test_a_shopper_sees_the_merchant_apis_coupon_without_the_stores_bookkeeping(
    app: Flask, client: Any, api: Any, shop: dict[str, Any], deliver: Any, shopify: Any
) -> None:
    deliver("orders/paid", fake30())
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    shopify.answer("SetiaDiscountCreate", CREATED)
    shopper = redeem(client, app, shop, reward_id).json
    drain()
    [merchant] = api.get(f"/members/{api.member(JANE)['id']}/coupons").json["items"]
    assert set(merchant) == set(shapes.CouponSchema().fields)
    assert set(shopper) == set(merchant) - MERCHANT_ONLY | {"reward_id", "balances"}
    for name in ("code", "kind", "value_type", "value", "expires_at"):
        assert shopper[name] == merchant[name], name
    assert shopper["reward_id"] == reward_id and merchant["source_id"] == str(reward_id)


def test_every_shopper_and_export_shape_is_a_subset_of_the_merchant_shape() -> None:
    coupon = set(shapes.CouponSchema().fields)
    for subset in (shapes.CASHBACK_COUPON, shapes.UNBOXING_COUPON, shapes.EXPORTED_COUPON):
        assert set(subset.fields) < coupon
    assert set(shapes.REDEEMED_COUPON.fields) - coupon == {"reward_id"}
    assert set(shapes.OFFERED_REWARD.fields) < set(shapes.REWARD.fields)
    assert set(shapes.EXPORTED_MEMBER.fields) < set(shapes.MemberSchema().fields)
    assert set(shapes.HISTORY_ENTRY.fields) < set(shapes.EntrySchema().fields)


DOMAIN_ERRORS = [
    errors.DomainError("bad", {"field": ["why"]}),
    errors.UnknownShop("unknown shop"),
    errors.NotFound("no such member"),
    errors.InsufficientPoints("not enough points available"),
    errors.IdempotencyConflict("key used"),
    errors.InvalidSettings("invalid settings", {"name": ["Missing data for required field."]}),
]
JSON_PATHS = ["/api/v1/members/1", "/widget/v1/abc/me", "/proxy/setia/me", "/admin/api/rewards/1"]


@pytest.mark.parametrize("error", DOMAIN_ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("path", JSON_PATHS)
def test_a_domain_error_is_its_status_and_the_contracts_json_error(app: Flask, path: str, error: Any) -> None:
    with app.test_request_context(path, method="PATCH" if path.startswith("/admin/api/") else "GET"):
        response = app.make_response(app.handle_user_exception(error))
    assert response.status_code == error.status
    assert response.get_json() == {"error": error.message, "details": error.details}


@pytest.mark.parametrize("error", DOMAIN_ERRORS, ids=lambda e: type(e).__name__)
def test_a_domain_error_on_a_merchant_page_is_the_error_page_of_its_status(app: Flask, error: Any) -> None:
    with app.test_request_context("/admin/members/1"):
        response = app.make_response(app.handle_user_exception(error))
    assert response.status_code == error.status
    assert response.mimetype == "text/html" and error.message not in response.get_data(as_text=True)


def test_another_shops_member_is_the_404_page_and_another_shops_reward_a_json_404(
    app: Flask, client: Any, api: Any, shop: dict[str, Any], shops: Any
) -> None:
    from .test_admin_frame import sign_in

    other = shops.make(domain="other-shop.myshopify.com")
    theirs = api.__class__(client, other["api_key"]).post("/rewards", VOUCHER).json["id"]
    csrf = sign_in(app, client, shop["id"])
    page = client.get("/admin/members/999999")
    assert page.status_code == 404 and page.mimetype == "text/html"
    patch = client.patch(f"/admin/api/rewards/{theirs}", json={"active": False}, headers={"X-CSRF-Token": csrf})
    assert patch.status_code == 404 and patch.json == {"error": "no such reward", "details": None}


def test_the_member_page_shows_the_coupon_localized(
    app: Flask, client: Any, api: Any, shop: dict[str, Any], deliver: Any, shopify: Any
) -> None:
    from .test_admin_frame import sign_in

    deliver("orders/paid", fake30())
    reward_id = api.post("/rewards", VOUCHER).json["id"]
    shopify.answer("SetiaDiscountCreate", CREATED)
    code = redeem(client, app, shop, reward_id).json["code"]
    drain()
    sign_in(app, client, shop["id"])
    text = client.get(f"/admin/members/{api.member(JANE)['id']}").get_data(as_text=True)
    row = re.search(rf"<tr><td><code>{code}</code></td>(.*?)</tr>", text, re.S)
    assert row is not None
    cells = re.findall(r"<td>([^<]*)</td>", row.group(1))
    assert cells[:3] == ["Reward", "$5.00", "active"] and re.search(r"\d{4}", cells[3])


def test_the_csv_exports_use_the_shapes_names() -> None:
    """The streamed CSV files (docs/csv.md) read columns, not rows, for speed; their names are the
    shapes' names, with the row's id named for what it is."""
    from integrator.loyalty.exports import LEDGER_COLUMNS, MEMBER_COLUMNS

    member = set(shapes.MemberSchema().fields) - {"tier"}
    assert set(MEMBER_COLUMNS) == member - {"id"} | {"member_id"}
    entry = set(shapes.EntrySchema().fields) - {"available_at"}
    assert set(LEDGER_COLUMNS) == entry - {"id"} | {"entry_id", "member_id", "platform_customer_id", "currency"}

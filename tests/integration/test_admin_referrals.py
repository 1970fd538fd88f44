"""The referrals page: the settings (saved by the same PATCH as the settings page, or as a form post),
the numbers, the review queue with its evidence, approve/reject with CSRF, English and Indonesian,
and the protected-customer-data note on Shopify."""

from __future__ import annotations

import pytest

from tests.referral_helpers import (
    ADVOCATE,
    CODES_ADDED,
    FRIEND_DISCOUNT_CREATED,
    advocate_order,
    friend_code,
    person,
    referral_settings,
    referrals,
)

from .test_admin_frame import sign_in

pytestmark = pytest.mark.usefixtures("ledger_checked")


@pytest.fixture()
def flagged(shops, shopify, client, app, deliver):
    shopify.answer("SetiaDiscountCreate", FRIEND_DISCOUNT_CREATED, always=True)
    shopify.answer("SetiaRedeemCodesAdd", CODES_ADDED, always=True)
    shop = shops.make(settings=referral_settings(hold_days=0))
    deliver("orders/paid", advocate_order())
    code = friend_code(client, app, shop)["code"]
    client.get(f"/ref/{code}", headers={"User-Agent": "Mozilla/5.0"})
    deliver("orders/paid", person(5001, "8001", codes=(code,), phone="+62 812 3456 7890", first="Sari"))
    return shop


def test_the_page_shows_the_queue_with_evidence_and_the_numbers(app, client, flagged):
    sign_in(app, client, flagged["id"])
    page = client.get("/admin/referrals").get_data(as_text=True)
    assert 'href="/admin/referrals" data-nav aria-current="page"' in page
    assert "Review queue (1)" in page and "Same phone number as the advocate" in page and "•••890" in page
    assert "Friend: Sari" not in page and "friend: Sari" in page
    assert '<dd data-number="clicks">1</dd>' in page and '<dd data-number="friend_codes">1</dd>' in page
    assert "protected customer data access (level 2)" in page
    client.get("/admin/language/id")
    indonesian = client.get("/admin/referrals").get_data(as_text=True)
    assert "Antrean tinjauan (1)" in indonesian and "Nomor telepon sama dengan pengajak" in indonesian


def test_approve_needs_the_csrf_token_and_pays_once(app, client, api, flagged):
    csrf = sign_in(app, client, flagged["id"])
    [referral] = referrals(app)
    url = f"/admin/referrals/{referral.id}/approve"
    assert client.post(url, json={}).status_code == 400  # no CSRF token: nothing changes
    assert referrals(app)[0].status == "review"
    answer = client.post(url, json={}, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200 and answer.json["referral"]["status"] == "paid"
    again = client.post(url, json={}, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409
    members = client.get("/api/v1/members", headers={"Authorization": f"Bearer {flagged['api_key']}"}).json["items"]
    advocate = next(m for m in members if m["platform_customer_id"] == ADVOCATE)
    assert advocate["points_available"] == 100 + 500
    assert referrals(app)[0].decided_by


def test_settings_saved_as_a_form_post_and_refused_with_field_errors(app, client, flagged):
    csrf = sign_in(app, client, flagged["id"])
    form = {
        "csrf_token": csrf,
        "checkboxes": "referrals.enabled",
        "referrals.enabled": "on",
        "referrals.friend_discount_percent": "20",
        "referrals.advocate_points": "250",
        "referrals.hold_days": "7",
        "referrals.monthly_cap": "5",
        "referrals.advocate_reward_id": "",  # the select's "No: points"
    }
    saved = client.post("/admin/referrals", data=form)
    assert saved.status_code == 303
    settings = client.get("/api/v1/settings", headers={"Authorization": f"Bearer {flagged['api_key']}"}).json
    assert settings["referrals"] == {
        "enabled": True,
        "friend_discount_percent": "20",
        "advocate_points": 250,
        "hold_days": 7,
        "monthly_cap": 5,
        "advocate_reward_id": None,
    }
    refused = client.post("/admin/referrals", data={**form, "referrals.hold_days": "-1"})
    assert refused.status_code == 422 and "Must be greater than or equal to 0" in refused.get_data(as_text=True)


def test_the_numbers_count_referred_orders_revenue_rewards_and_blocks(app, client, deliver, flagged):
    code = friend_code(client, app, flagged)["code"]  # the advocate's, asked again
    deliver(
        "orders/paid",
        person(
            5002,
            "8002",
            codes=(code,),
            email="dewi@example.com",
            first="Dewi",
            last="Lestari",
            phone="+62 811 0000 0002",
            street="Jalan Mawar 2",
            subtotal="80.00",
        ),
    )
    sign_in(app, client, flagged["id"])
    page = client.get("/admin/referrals").get_data(as_text=True)
    # The flagged one (in review) and the honest one (paid at once: no hold) were both kept by the friend.
    assert '<dd data-number="referred_orders">2</dd>' in page
    assert '<dd data-number="revenue">180.00</dd>' in page
    assert '<dd data-number="rewards_paid">1 (500 points)</dd>' in page
    assert "<li>Same phone number as the advocate: 1</li>" in page

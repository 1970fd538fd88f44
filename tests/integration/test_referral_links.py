"""GET /ref/<code>: the redirect to the store with the friend's code applied, built from the stored
shop alone and never cached; clicks counted (hashed), not for HEAD or link-preview bots, pruned
after 90 days; unknown codes 404 and rate-limited per address. And the WooCommerce side: the
friend code made as a coupon once per customer, a guest's order with it a referral."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from integrator import periodic
from integrator.loyalty.models import FriendCode, Referral, ReferralClick, Shop, utcnow
from tests.conftest import drain
from tests.fake_woocommerce import FakeWooCommerce, fake_woocommerce
from tests.integration.test_widget_api import signed, widget_secret
from tests.referral_helpers import (
    CODES_ADDED,
    FRIEND_DISCOUNT_CREATED,
    friend_code,
    referral_settings,
)
from tests.woocommerce_deliveries import PUBLIC_STORE, connected_store, deliver_to, fixture

pytestmark = pytest.mark.usefixtures("ledger_checked")
PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"


@pytest.fixture()
def link(shops, shopify, client, app):
    shopify.answer("SetiaDiscountCreate", FRIEND_DISCOUNT_CREATED, always=True)
    shopify.answer("SetiaRedeemCodesAdd", CODES_ADDED, always=True)
    shop = shops.make(settings=referral_settings())
    return shop, friend_code(client, app, shop)


def clicks(app) -> list[ReferralClick]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(ReferralClick)).scalars())


def test_the_link_sends_the_friend_to_the_store_with_the_code_applied(client, app, link):
    shop, friend = link
    path = friend["url"].removeprefix("https://setia.test")
    response = client.get(path, headers={"User-Agent": PHONE_BROWSER}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"https://setia-test.myshopify.com/discount/{friend['code']}?redirect=/"
    assert "no-store" in response.headers["Cache-Control"]
    # Any case finds it; a redirect parameter is never followed.
    again = client.get(path.lower() + "?redirect=https://evil.example/", headers={"User-Agent": PHONE_BROWSER})
    assert again.headers["Location"] == response.headers["Location"]
    [first, second] = clicks(app)
    assert first.ip_hash != "203.0.113.9" and len(first.ip_hash) == 64 and PHONE_BROWSER not in first.agent_hash
    assert first.agent_hash == second.agent_hash and first.ip_hash != second.ip_hash


def test_head_requests_and_link_previews_are_answered_but_not_counted(client, app, link):
    _, friend = link
    path = f"/ref/{friend['code']}"
    assert client.head(path, headers={"User-Agent": PHONE_BROWSER}).status_code == 302
    for bot in ("WhatsApp/2.23.20.0", "facebookexternalhit/1.1", "Twitterbot/1.0", "TelegramBot (like TwitterBot)"):
        assert client.get(path, headers={"User-Agent": bot}).status_code == 302
    assert clicks(app) == []


def test_clicks_are_pruned_after_90_days(client, app, link):
    _, friend = link
    client.get(f"/ref/{friend['code']}", headers={"User-Agent": PHONE_BROWSER})
    with time_machine.travel(utcnow() + timedelta(days=89), tick=True):
        assert periodic.prune_referral_clicks() == 0
    with time_machine.travel(utcnow() + timedelta(days=91), tick=True):
        assert periodic.prune_referral_clicks() == 1
    assert clicks(app) == []
    assert (periodic.prune_referral_clicks, 3600) in periodic.SCHEDULE


def test_unknown_codes_are_404_and_an_address_guessing_them_is_stopped(client, app, link):
    _, friend = link
    guesser = {"REMOTE_ADDR": "198.51.100.66"}
    for i in range(20):
        answer = client.get(f"/ref/REF-AAAA-{i:04d}", environ_base=guesser)
        assert answer.status_code == 404 and answer.json["error"] == "unknown referral link"
    refused = client.get(f"/ref/{friend['code']}", environ_base=guesser)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert client.get(f"/ref/{friend['code']}", environ_base={"REMOTE_ADDR": "198.51.100.67"}).status_code == 302
    assert len(clicks(app)) == 1  # the refused request counted nothing


def test_a_flood_of_clicks_from_one_address_is_refused_and_not_stored(client, app, link):
    _, friend = link
    flood = {"REMOTE_ADDR": "198.51.100.70"}
    answers = [client.get(f"/ref/{friend['code']}", environ_base=flood).status_code for _ in range(61)]
    assert answers == [302] * 60 + [429]
    assert len(clicks(app)) == 60


def test_only_friend_codes_are_links_and_not_when_referrals_are_off(client, app, link):
    shop, friend = link
    with app.extensions["setia_db"].session() as session:
        other = session.execute(select(FriendCode)).scalar_one()
        assert other.code == friend["code"]
    assert client.get("/ref/SETIA-AAAA-BBBB").status_code == 404  # a reward code's shape: not looked up
    headers = {"Authorization": f"Bearer {shop['api_key']}"}
    client.patch("/api/v1/settings", headers=headers, json={"referrals": {"enabled": False}})
    assert client.get(f"/ref/{friend['code']}").status_code == 404


@pytest.fixture()
def woo() -> Iterator[FakeWooCommerce]:
    with fake_woocommerce() as store:
        yield store


def test_woocommerce_friend_code_is_a_coupon_once_per_customer_and_a_guest_order_refers(client, app, woo):
    store = connected_store(app, referral_settings(hold_days=0))
    member = fixture("order.created__processing_customer_coupon")
    deliver_to(client, "order.created", member, "advocate-order")
    with app.extensions["setia_db"].session() as session:
        public_id = session.get(Shop, store["id"]).public_id
    query = signed(str(member["customer_id"]), widget_secret(app, store["id"]))
    code = client.get(f"/widget/v1/{public_id}/referral", query_string=query).json["code"]
    drain()
    assert client.get(f"/widget/v1/{public_id}/referral", query_string=query).json["code"] == code
    drain()

    [body] = woo.posted
    assert body == {
        "code": code,
        "description": "Setia friend discount",
        "discount_type": "percent",
        "amount": "15",
        "individual_use": True,
        "usage_limit": None,
        "usage_limit_per_user": 1,
        "date_expires": None,
    }
    [stored] = woo.coupons
    assert (stored["usage_limit"], stored["usage_limit_per_user"], stored["email_restrictions"]) == (None, 1, [])
    target = client.get(f"/ref/{code}").headers["Location"]
    assert target == f"{PUBLIC_STORE}/?coupon={code}"

    # A guest's completed order with the code (WooCommerce writes coupon codes lowercased).
    guest = fixture("order.updated__completed_guest")
    guest["coupon_lines"] = [{"id": 1, "code": code.lower(), "discount": "1.50"}]
    deliver_to(client, "order.updated", guest, "guest-order")
    with app.extensions["setia_db"].session() as session:
        [referral] = session.execute(select(Referral)).scalars().all()
        assert (referral.status, referral.friend_member_id, referral.reasons) == ("paid", None, [])


def test_the_referral_answer_through_the_shopify_app_proxy(client, app, link):
    from tests.integration.test_shopify_proxy_routes import proxied

    shop, friend = link  # asked through the widget API by the advocate (7001)
    answer = client.get(f"/proxy/shopify/referral?{proxied('7001')}")
    assert answer.status_code == 200 and answer.json == friend
    assert client.get(f"/proxy/shopify/referral?{proxied('')}").status_code == 401  # nobody logged in


def test_a_friends_code_they_arrived_with_is_in_their_codes_as_a_referral(client, app, link, deliver):
    from tests.deliveries import fake30
    from tests.referral_helpers import FRIEND, person

    shop, friend = link  # the advocate 7001's code
    deliver("orders/paid", fake30())  # the friend (Jane) is a member
    secret = widget_secret(app, shop["id"])

    def codes(customer: str, received: str) -> list[dict]:
        query = {**signed(customer, secret), "received": received}
        answer = client.get(f"/widget/v1/{shop['public_id']}/codes", query_string=query)
        assert answer.status_code == 200
        return list(answer.json["items"])

    [item] = codes(FRIEND, friend["code"].lower())
    assert item == {
        "code": friend["code"],
        "status": "active",
        "kind": "referral",
        "source": "referral",
        "value_type": "percentage",
        "value": "15",
        "min_order": None,
        "expires_at": None,
        "reward_id": None,
    }
    assert codes("7001", friend["code"]) == []  # the advocate's own code is not a friend's
    assert codes(FRIEND, "REF-AAAA-BBBB") == []  # not a friend code of this shop
    deliver("orders/paid", person(5001, FRIEND, codes=(friend["code"],)))
    assert [i["source"] for i in codes(FRIEND, friend["code"])] == []  # used: gone

"""Enrolment and the bonus ways to earn from platform deliveries (CONTRACT.md, "Earning semantics"):
a customer ACCOUNT is a member from its creation and gets `bonus.signup_points` once, whatever the
replays; Shopify's `disabled` guest-checkout records (the real customers/create sample is one) are
no accounts; a paid order still enrols its customer, without the bonus; a subscribed member gets
the newsletter bonus once. Every test ends with `ledger verify` clean."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.deliveries import fake30, fixture, with_changes

pytestmark = pytest.mark.usefixtures("ledger_checked")

GUEST_RECORD = "customers_create__guest_checkout_record"  # state "disabled": Bob Biller, a guest checkout
BOB = "706405506930370084"
JANE = "1073339475"  # the FAKE30 order's customer (state "disabled" in the order)


@pytest.fixture()
def bonuses(api: Any) -> None:
    answer = api.patch("/settings", {"bonus": {"signup_points": 50, "newsletter_points": 20}})
    assert answer.status_code == 200, answer.json
    assert answer.json["bonus"]["signup_points"] == 50


def account(payload: dict[str, Any]) -> dict[str, Any]:
    """The same record once the shopper made an account (Shopify: `state` "enabled")."""
    return with_changes(payload, state="enabled")


def ledger(api: Any, member: dict[str, Any]) -> list[dict[str, Any]]:
    return api.get(f"/members/{member['id']}/ledger").json["items"]


@pytest.mark.usefixtures("bonuses")
def test_signup_bonus_once_on_customers_create_replayed(deliver: Any, api: Any, app: Flask) -> None:
    created = account(fixture(GUEST_RECORD))
    for _ in range(3):  # Shopify retries: each retry is a new delivery of the same record
        assert deliver("customers/create", created).status_code == 200
    deliver("customers/update", created)
    deliver("customers/enable", created)
    member = api.member(BOB)
    assert member is not None
    assert (member["points_available"], member["lifetime_points"]) == (50, 50)
    assert [(e["kind"], e["points"], e["source"]) for e in ledger(api, member)] == [("earn", 50, "bonus")]
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("bonuses")
def test_a_disabled_guest_record_is_no_account_and_gets_no_bonus(deliver: Any, api: Any) -> None:
    record = fixture(GUEST_RECORD)
    assert record["state"] == "disabled"
    deliver("customers/create", record)
    deliver("customers/update", record)
    assert api.get("/members").json["items"] == []


@pytest.mark.usefixtures("bonuses")
def test_a_paid_order_enrols_its_customer_without_the_bonus(deliver: Any, api: Any) -> None:
    deliver("orders/paid", fake30())
    member = api.member(JANE)
    assert member is not None and member["points_available"] == 181  # the order only
    assert all(entry["source"] == "order" for entry in ledger(api, member))


@pytest.mark.usefixtures("bonuses")
def test_a_customer_enrolled_by_an_order_gets_the_bonus_once_the_account_is_enabled(deliver: Any, api: Any) -> None:
    deliver("orders/paid", fake30())
    customer = account(fake30()["customer"])
    deliver("customers/enable", customer)
    deliver("customers/update", customer)
    member = api.member(JANE)
    assert member is not None and member["points_available"] == 181 + 50


def test_no_bonus_while_the_merchant_has_none(deliver: Any, api: Any) -> None:
    deliver("customers/create", account(fixture(GUEST_RECORD)))
    member = api.member(BOB)
    assert member is not None and member["points_available"] == 0  # enrolled all the same
    assert ledger(api, member) == []


@pytest.mark.usefixtures("bonuses")
def test_newsletter_subscription_earns_once(deliver: Any, api: Any) -> None:
    created = account(fixture(GUEST_RECORD))
    deliver("customers/create", created)
    pending = with_changes(created, email_marketing_consent={"state": "pending", "opt_in_level": "confirmed_opt_in"})
    deliver("customers/update", pending)  # double opt-in not confirmed yet: nothing
    assert api.member(BOB)["points_available"] == 50
    subscribed = with_changes(created, email_marketing_consent={"state": "subscribed", "opt_in_level": "single_opt_in"})
    deliver("customers/update", subscribed)
    deliver("customers/update", with_changes(subscribed, email_marketing_consent={"state": "unsubscribed"}))
    deliver("customers/update", subscribed)  # subscribing again earns nothing more
    assert api.member(BOB)["points_available"] == 50 + 20


@pytest.mark.usefixtures("bonuses")
def test_a_guest_record_that_subscribes_is_still_no_member(deliver: Any, api: Any) -> None:
    subscribed = with_changes(fixture(GUEST_RECORD), email_marketing_consent={"state": "subscribed"})
    deliver("customers/create", subscribed)
    assert api.get("/members").json["items"] == []


def test_the_history_names_the_bonus_in_the_shop_language(
    deliver: Any, api: Any, client: Any, shop: Any, app: Flask
) -> None:
    from integrator.loyalty.models import Shop
    from tests.integration.test_widget_api import signed, widget_secret

    api.patch("/settings", {"bonus": {"signup_points": 50}})
    deliver("customers/create", account(fixture(GUEST_RECORD)))
    query = signed(BOB, widget_secret(app, shop["id"]))
    history = client.get(f"/widget/v1/{shop['public_id']}/history", query_string=query).json
    assert [item["description"] for item in history["items"]] == ["Sign-up bonus"]
    with app.extensions["setia_db"].session() as session:
        session.get(Shop, shop["id"]).language = "id"
    history = client.get(f"/widget/v1/{shop['public_id']}/history", query_string=query).json
    assert [item["description"] for item in history["items"]] == ["Bonus pendaftaran"]

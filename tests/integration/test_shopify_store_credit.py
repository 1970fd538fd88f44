"""Cashback paid out as Shopify store credit (setting cashback_store_credit): debited and recorded
before storeCreditAccountCredit, marked done after it, given back when Shopify refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from integrator import periodic
from integrator.loyalty.models import CreditTransfer, LedgerEntry, Order, utcnow
from tests.conftest import Api, drain
from tests.deliveries import fake30, with_changes
from tests.fake_shopify import THROTTLED

pytestmark = pytest.mark.usefixtures("ledger_checked")

CUSTOMER = "1073339475"
CREDITED = {
    "storeCreditAccountCredit": {
        "storeCreditAccountTransaction": {
            "__typename": "StoreCreditAccountCreditTransaction",
            "id": "gid://shopify/StoreCreditAccountCreditTransaction/42",
            "amount": {"amount": "3.62", "currencyCode": "USD"},
        },
        "userErrors": [],
    }
}


@pytest.fixture()
def credit_shop(shops):
    return shops.make(settings={"points_per_unit": "1", "cashback_percent": "2", "cashback_store_credit": True})


@pytest.fixture()
def api_for(client):
    return lambda shop: Api(client, shop["api_key"])


def transfers(app) -> list[CreditTransfer]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(CreditTransfer).order_by(CreditTransfer.id)).scalars())


def transfer_entries(app) -> list[int]:
    with app.extensions["setia_db"].session() as session:
        query = select(LedgerEntry.amount).where(LedgerEntry.kind == "transfer").order_by(LedgerEntry.id)
        return list(session.execute(query).scalars())


def test_earned_cashback_moves_to_store_credit_once(deliver, api_for, shopify, credit_shop, app):
    shopify.answer("SetiaStoreCredit", CREDITED)
    deliver("orders/paid", fake30(), webhook_id="paid-1")
    deliver("orders/paid", fake30(), webhook_id="paid-1")
    deliver("orders/updated", fake30())

    [call] = shopify.calls_of("SetiaStoreCredit")
    assert "storeCreditAccountCredit" in call.query
    assert call.variables == {
        "id": f"gid://shopify/Customer/{CUSTOMER}",
        "creditInput": {"creditAmount": {"amount": "3.62", "currencyCode": "USD"}},
    }
    [transfer] = transfers(app)
    assert (transfer.status, transfer.amount, transfer.currency) == ("done", 362, "USD")
    assert transfer.platform_transaction_id == "gid://shopify/StoreCreditAccountCreditTransaction/42"
    assert transfer_entries(app) == [-362]
    member = api_for(credit_shop).member(CUSTOMER)
    assert (member["cashback_available"], member["points_available"]) == ("0.00", 181)


def test_cashback_stays_in_setia_without_the_setting(deliver, api, shopify, app):
    deliver("orders/paid", fake30())
    assert shopify.calls == [] and transfers(app) == []
    assert api.member(CUSTOMER)["cashback_available"] == "3.62"


def test_a_missing_scope_gives_the_cashback_back(deliver, api_for, shopify, credit_shop, app):
    shopify.revoke("write_store_credit_account_transactions")
    deliver("orders/paid", fake30())
    [transfer] = transfers(app)
    assert transfer.status == "failed" and "ACCESS_DENIED" in transfer.last_error
    assert transfer_entries(app) == [-362, 362]
    assert api_for(credit_shop).member(CUSTOMER)["cashback_available"] == "3.62"
    assert len(shopify.calls_of("SetiaStoreCredit")) == 1


def test_a_user_error_gives_the_cashback_back(deliver, api_for, shopify, credit_shop, app):
    error = {"field": ["creditInput", "creditAmount"], "code": "MISMATCHING_CURRENCY", "message": "Currency mismatch"}
    shopify.answer(
        "SetiaStoreCredit", {"storeCreditAccountCredit": {"storeCreditAccountTransaction": None, "userErrors": [error]}}
    )
    deliver("orders/paid", fake30())
    [transfer] = transfers(app)
    assert transfer.status == "failed" and "Currency mismatch" in transfer.last_error
    assert api_for(credit_shop).member(CUSTOMER)["cashback_available"] == "3.62"


def test_throttled_then_credited(deliver, shopify, credit_shop, app):
    shopify.answer("SetiaStoreCredit", THROTTLED)
    shopify.answer("SetiaStoreCredit", CREDITED)
    deliver("orders/paid", fake30())
    assert len(shopify.calls_of("SetiaStoreCredit")) == 2
    assert [t.status for t in transfers(app)] == ["done"]


def test_an_outage_holds_the_cashback_and_the_transfer_is_retried_later(deliver, api_for, shopify, credit_shop, app):
    shopify.unavailable("SetiaStoreCredit", 5)
    deliver("orders/paid", fake30())
    [transfer] = transfers(app)
    assert (transfer.status, transfer.attempts) == ("pending", 1)
    assert api_for(credit_shop).member(CUSTOMER)["cashback_available"] == "0.00"  # held by the transfer

    periodic.flush_outbox()  # too early to retry, and no second transfer while one is under way
    drain()
    assert len(transfers(app)) == 1 and len(shopify.calls_of("SetiaStoreCredit")) == 5

    shopify.answer("SetiaStoreCredit", CREDITED)
    with app.extensions["setia_db"].session() as session:
        session.execute(update(CreditTransfer).values(created_at=utcnow() - timedelta(hours=1)))
    periodic.flush_outbox()
    drain()
    [transfer] = transfers(app)
    assert (transfer.status, transfer.attempts) == ("done", 2)
    assert transfer_entries(app) == [-362]
    assert len(shopify.calls_of("SetiaStoreCredit")) == 6


def test_cashback_that_vests_later_moves_when_it_becomes_available(deliver, shops, shopify, app):
    settings = {"cashback_percent": "2", "pending_days": 14, "cashback_store_credit": True}
    shops.make(settings=settings)
    now = utcnow().isoformat()
    deliver("orders/paid", with_changes(fake30(), processed_at=now, updated_at=now))
    assert shopify.calls == []  # pending cashback is not moved

    shopify.answer("SetiaStoreCredit", CREDITED)
    with app.extensions["setia_db"].session() as session:  # fourteen days later
        session.execute(update(Order).values(vests_at=utcnow() - timedelta(seconds=1)))
    assert periodic.vest() == 1
    periodic.flush_outbox()
    drain()
    [call] = shopify.calls_of("SetiaStoreCredit")
    assert call.variables["creditInput"]["creditAmount"] == {"amount": "3.62", "currencyCode": "USD"}
    assert [t.status for t in transfers(app)] == ["done"]


def test_a_refused_transfer_is_tried_again_a_day_later_not_every_minute(deliver, api_for, shopify, credit_shop, app):
    shopify.revoke("write_store_credit_account_transactions")
    deliver("orders/paid", fake30())
    assert [t.status for t in transfers(app)] == ["failed"]
    periodic.flush_outbox()  # a minute later: the scope is still missing, nothing is tried
    drain()
    assert len(shopify.calls_of("SetiaStoreCredit")) == 1 and len(transfers(app)) == 1

    shopify.grant()  # the merchant granted the scope
    shopify.answer("SetiaStoreCredit", CREDITED)
    with app.extensions["setia_db"].session() as session:
        session.execute(update(CreditTransfer).values(completed_at=utcnow() - timedelta(days=1, minutes=1)))
    periodic.flush_outbox()
    drain()
    assert [t.status for t in transfers(app)] == ["failed", "done"]
    assert transfer_entries(app) == [-362, 362, -362]
    assert api_for(credit_shop).member(CUSTOMER)["cashback_available"] == "0.00"


def test_cashback_paid_as_store_credit_cannot_be_spent_by_hand(deliver, api_for, shopify, credit_shop, app, client):
    from tests.integration.test_rewards_and_redemptions import signed

    shopify.answer("SetiaStoreCredit", CREDITED)
    deliver("orders/paid", fake30())
    response = client.post(
        f"/widget/v1/{credit_shop['public_id']}/cashback-redemptions",
        query_string=signed(app, credit_shop, CUSTOMER),
        json={"amount": "1.00"},
    )
    assert response.status_code == 409
    assert response.json["error"] == "cashback is paid as store credit"
    member = api_for(credit_shop).member(CUSTOMER)
    assert member["cashback_available"] == "0.00"  # it went to store credit by itself
    assert api_for(credit_shop).get(f"/members/{member['id']}/coupons").json["items"] == []
    assert [t.status for t in transfers(app)] == ["done"]

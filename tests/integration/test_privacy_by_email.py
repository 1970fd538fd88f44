"""A merchant's privacy requests by email (the WordPress plugin's personal data exporter and
eraser call these): export, then erase with amounts kept."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.conftest import Api
from tests.woocommerce_deliveries import connected_store, deliver_to, fixture

pytestmark = pytest.mark.usefixtures("ledger_checked")


@pytest.fixture()
def store(app: Flask) -> dict[str, Any]:
    return connected_store(app, {"points_per_unit": "1", "cashback_percent": "2"})


@pytest.fixture()
def shopper(client, store) -> dict[str, Any]:
    order = fixture("order.created__processing_customer_coupon")  # customer 11, 30.00
    deliver_to(client, "order.created", order, "d1")
    return {"email": order["billing"]["email"], "customer": str(order["customer_id"])}


def test_export_by_email_returns_the_shoppers_data(client, store, shopper):
    api = Api(client, store["api_key"])
    response = api.post("/data-requests", {"kind": "data_request", "email": shopper["email"].upper()})
    assert response.status_code == 201
    [export] = response.json["export"]["shoppers"]
    assert export["member"]["email"] == shopper["email"]
    assert sum(entry["amount"] for entry in export["ledger"] if entry["account"] == "points") == 30
    assert api.get(f"/data-requests/{response.json['id']}").json["export"] == response.json["export"]


def test_erasure_by_email_anonymises_the_member_and_keeps_the_amounts(client, store, shopper):
    api = Api(client, store["api_key"])
    member_id = api.member(shopper["customer"])["id"]
    response = api.post("/data-requests", {"kind": "customer_redact", "email": shopper["email"]})
    assert response.status_code == 201 and response.json["status"] == "completed"
    member = api.get(f"/members/{member_id}").json
    assert (member["email"], member["first_name"], member["last_name"]) == (None, None, None)
    assert member["platform_customer_id"] == f"erased-{member_id}"
    assert member["points_available"] == 30
    assert api.get("/members", query_string={"email": shopper["email"]}).json["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "forget", "email": "a@example.com"},
        {"kind": "data_request"},
        {"kind": "customer_redact", "email": "not an email"},
    ],
)
def test_a_bad_request_is_refused_and_erases_nothing(client, store, shopper, body):
    api = Api(client, store["api_key"])
    response = api.post("/data-requests", body)
    assert response.status_code == 422 and response.json["details"]
    assert api.member(shopper["customer"])["email"] == shopper["email"]


def test_another_shops_key_cannot_erase_this_shops_shopper(client, store, shopper, shops):
    other = shops.make()
    response = Api(client, other["api_key"]).post(
        "/data-requests", {"kind": "customer_redact", "email": shopper["email"]}
    )
    assert response.status_code == 201  # answered, but about its own shop: nothing there
    assert Api(client, store["api_key"]).member(shopper["customer"])["email"] == shopper["email"]

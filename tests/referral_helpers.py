"""Helpers of the referral tests: a shop with referrals on, an advocate with an order of their own,
a friend's order made from the real FAKE30 payload, and the friend code asked through the widget API."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from integrator.loyalty.models import Referral
from tests.conftest import drain
from tests.deliveries import fake30, money_set, with_changes
from tests.integration.test_widget_api import signed, widget_secret

ADVOCATE = "7001"
FRIEND = "1073339475"  # the FAKE30 order's customer (Jane)
REFERRALS = {"enabled": True, "advocate_points": 500, "friend_discount_percent": "15", "hold_days": 14}
FRIEND_DISCOUNT_CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/900"}, "userErrors": []}
}
CODES_ADDED = {
    "discountRedeemCodeBulkAdd": {
        "bulkCreation": {"id": "gid://shopify/DiscountRedeemCodeBulkCreation/1"},
        "userErrors": [],
    }
}


def referral_settings(**changes: Any) -> dict[str, Any]:
    return {"points_per_unit": "1", "cashback_percent": "0", "referrals": {**REFERRALS, **changes}}


def person(
    order_id: int,
    customer: str | None,
    *,
    email: str = "jane@example.com",
    first: str = "Jane",
    last: str = "Doe",
    phone: str | None = "+1 613 555 0100",
    street: str = "123 Fake Street",
    ip: str | None = "198.51.100.7",
    codes: tuple[str, ...] = (),
    subtotal: str = "100.00",
    updated_at: str = "2025-04-02T11:31:38-05:00",
    financial_status: str = "paid",
) -> dict[str, Any]:
    """A paid order of the real FAKE30 payload, placed by this person (customer None: a guest)."""
    address = {
        "first_name": first,
        "last_name": last,
        "address1": street,
        "address2": None,
        "city": "Fakecity",
        "zip": "K2P 1L4",
        "country_code": "CA",
        "phone": phone,
        "name": f"{first} {last}",
    }
    order = with_changes(
        fake30(),
        id=order_id,
        email=email,
        contact_email=email,
        phone=phone,
        browser_ip=ip,
        shipping_address=address,
        billing_address=address,
        discount_codes=[{"code": code, "amount": "15.00", "type": "percentage"} for code in codes],
        current_subtotal_price_set=money_set(subtotal),
        updated_at=updated_at,
        financial_status=financial_status,
        refunds=[],
    )
    if customer is None:
        order["customer"] = None
    else:
        order["customer"] = {
            **order["customer"],
            "id": int(customer),
            "email": email,
            "first_name": first,
            "last_name": last,
            "phone": phone,
        }
    return order


def advocate_order(order_id: int = 4001, **changes: Any) -> dict[str, Any]:
    """The advocate's own first order: Budi Santoso, his Gmail, WhatsApp number and address."""
    values: dict[str, Any] = {
        "email": "budi.santoso@gmail.com",
        "first": "Budi",
        "last": "Santoso",
        "phone": "0812-3456-7890",
        "street": "Jalan Melati 12",
        "ip": "203.0.113.50",
    }
    return person(order_id, ADVOCATE, **{**values, **changes})


def friend_code(client: FlaskClient, app: Flask, shop: dict[str, Any], customer: str = ADVOCATE) -> dict[str, Any]:
    query = signed(customer, widget_secret(app, shop["id"]))
    response = client.get(f"/widget/v1/{shop['public_id']}/referral", query_string=query)
    assert response.status_code == 200, response.json
    drain()  # the job making the code on the store (inline without Redis)
    return dict(response.json)


def referrals(app: Flask) -> list[Referral]:
    with app.extensions["setia_db"].session() as session:
        return list(session.execute(select(Referral).order_by(Referral.id)).scalars())

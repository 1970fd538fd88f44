"""Who placed a Shopify order (connectors.base.Buyer), as the referral fraud checks compare people."""

from __future__ import annotations

from typing import Any

from connectors.base import Buyer, Customer
from connectors.payload_values import first_text as _first_text
from connectors.payload_values import sub_object as _part

ADDRESS_FIELDS = ("address1", "address2", "city", "zip", "country_code")


def buyer_of(payload: dict[str, Any], customer: Customer | None) -> Buyer:
    """Who placed the order: the order's contact email, the first phone given (order, shipping,
    billing, customer), the customer's name or the billing name, the shipping address and
    `browser_ip`. Names, phones and addresses need protected customer data level 2: without it
    Shopify leaves them out and they stay None here."""
    shipping = _part(payload, "shipping_address")
    billing = _part(payload, "billing_address")
    customer_payload = _part(payload, "customer")
    client = _part(payload, "client_details")
    email = _first_text(payload.get("email"), payload.get("contact_email"), customer and customer.email)
    lines = tuple(text for text in (_first_text(shipping.get(key)) for key in ADDRESS_FIELDS) if text)
    return Buyer(
        email=email[:320] if email else None,
        phone=_first_text(
            payload.get("phone"), shipping.get("phone"), billing.get("phone"), customer_payload.get("phone")
        ),
        first_name=_first_text(customer and customer.first_name, billing.get("first_name")),
        last_name=_first_text(customer and customer.last_name, billing.get("last_name")),
        shipping_address=lines if len(lines) > 1 else (),
        ip=_first_text(payload.get("browser_ip"), client.get("browser_ip")),
    )

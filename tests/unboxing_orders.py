"""Paid Shopify orders with unboxing codes, delivered as the platform would (orders/paid webhooks),
for the unboxing card tests (integration and browser)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from integrator.loyalty.models import Coupon, UnboxingCard
from tests.deliveries import fake30, with_changes

UNBOXING = {"enabled": True, "discount_percent": "10", "expires_days": 30}
CREATED = {
    "discountCodeBasicCreate": {"codeDiscountNode": {"id": "gid://shopify/DiscountCodeNode/501"}, "userErrors": []}
}


def deliver_paid_orders(deliver: Any, shopify: Any, count: int, first_id: int = 5001) -> list[str]:
    """`count` paid orders of the fixture's customer (#2001, #2002, ...); their platform ids."""
    ids = []
    for n in range(count):
        order_id = first_id + n
        shopify.answer("SetiaDiscountCreate", CREATED)
        order = with_changes(
            fake30(),
            id=order_id,
            name=f"#{2001 + n}",
            admin_graphql_api_id=f"gid://shopify/Order/{order_id}",
            updated_at=f"2025-04-02T11:{31 + n % 28:02d}:38-05:00",
        )
        assert deliver("orders/paid", order).status_code == 200
        ids.append(str(order_id))
    return ids


def cards_of(app: Any) -> list[tuple[str, str, str]]:
    """(order id, code, token) of every card, straight from the tables (an oracle apart from the views)."""
    with app.extensions["setia_db"].session() as session:
        rows = session.execute(
            select(Coupon.source_id, Coupon.code, UnboxingCard.token)
            .join(UnboxingCard, UnboxingCard.coupon_id == Coupon.id)
            .order_by(Coupon.id)
        ).all()
        return [(str(a), str(b), str(c)) for a, b, c in rows]

"""What an order would earn before it is placed: the cart's and the checkout's "you will earn N
points". One function, the award's own arithmetic (earning.target_for with the shop's rates), so
the promise is what the order then earns; never a second formula in a widget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from . import earning
from .boost import boost_for
from .models import Member, Shop
from .money import display, format_minor_string, to_minor
from .settings import rates_of

MAX_BASIS = Decimal(10) ** 12  # in major units: more than any cart, and safe in every column


@dataclass(frozen=True)
class Estimate:
    points: int
    cashback: int  # minor units of `currency`
    currency: str


def estimate(session: Session, shop: Shop, member: Member | None, basis: Decimal, at: datetime) -> Estimate:
    """What an order of `basis` (the earning basis in the shop currency: subtotal after discounts,
    before shipping and taxes) paid at `at` by `member` (None: a guest, or a shopper not enrolled
    yet) earns, with the member's tier multiplier and the campaigns running at `at` (bonus points
    included), as the award computes them."""
    rates = rates_of(shop)
    basis = min(max(basis, Decimal(0)), MAX_BASIS)
    basis_minor = to_minor(basis, shop.currency)
    # The member's tier and the campaigns running at `at`, as the order's first earning fixes them
    # (boost.py). The cart's products are not known here: a campaign limited to products is left out.
    boost = boost_for(session, shop.id, member, at, basis)
    target = earning.target_for(basis_minor, shop.currency, "paid", rates, boost.multiplier, boost.bonus_points)
    return Estimate(points=target.points, cashback=target.cashback, currency=shop.currency)


def estimate_answer(found: Estimate, locale: str) -> dict[str, Any]:
    """The estimate as the widget API and the checkout extension read it."""
    return {
        "points": found.points,
        "cashback": format_minor_string(found.cashback, found.currency),
        "currency": found.currency,
        "display": {"cashback": display(found.cashback, found.currency, locale)},
    }

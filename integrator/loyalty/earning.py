"""What an order should have earned: pure arithmetic, no database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from .money import exponent, from_minor, to_minor

EARNING_STATUSES = frozenset({"paid"})


@dataclass(frozen=True)
class Rates:
    points_per_unit: Decimal
    cashback_percent: Decimal


@dataclass(frozen=True)
class Target:
    points: int
    cashback: int  # minor units


def basis_after_refunds(snapshot_basis: int, unseen_refunds: list[int]) -> int:
    """The snapshot's basis less the refunds the snapshot did not yet reflect, never below zero."""
    return max(0, snapshot_basis - sum(unseen_refunds))


def target_for(
    basis_minor: int, currency: str, status: str, rates: Rates, multiplier: Decimal = Decimal(1), bonus: int = 0
) -> Target:
    """Points = floor(basis × points_per_unit × multiplier) + bonus (tier and campaigns: boost.py);
    cashback = basis × percent / 100, rounded down (multipliers are for points only)."""
    if status not in EARNING_STATUSES or basis_minor <= 0:
        return Target(0, 0)
    basis = from_minor(basis_minor, currency)
    points = int((basis * rates.points_per_unit * multiplier).to_integral_value(rounding=ROUND_DOWN)) + bonus
    cashback_major = basis * rates.cashback_percent / Decimal(100)
    cashback = to_minor(cashback_major.quantize(Decimal(1).scaleb(-exponent(currency)), ROUND_DOWN), currency)
    return Target(points=points, cashback=cashback)


@dataclass(frozen=True)
class Takeback:
    """How a takeback of `amount` splits: pending first, then available, the rest owed."""

    from_pending: int
    from_available: int
    owed: int


def split_takeback(amount: int, order_pending: int, member_available: int) -> Takeback:
    from_pending = min(amount, max(order_pending, 0))
    rest = amount - from_pending
    from_available = min(rest, max(member_available, 0))
    return Takeback(from_pending, from_available, rest - from_available)


def split_earning(amount: int, member_debt: int) -> tuple[int, int]:
    """(settles debt, stays): new available earnings first settle what the member owes."""
    settle = min(amount, max(member_debt, 0))
    return settle, amount - settle

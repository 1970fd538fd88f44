"""What a member's order earns beyond the shop's rate: the tier's multiplier and the running
campaigns' (CONTRACT.md, tiers and campaigns). One function, `boost_for`, answers "which multiplier
and bonus would apply to this member's order paid at t"; the order's first earning fixes its
answer on the order (orders.py), and the cart/checkout estimate asks the same question.

Stacking (docs/tiers-and-campaigns.md): the tier's multiplier times the highest multiplier among the
campaigns that apply (campaign multipliers do not multiply each other); the bonus points of every
campaign that applies add up. Points only: cashback is never multiplied."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Campaign, Member, Tier

ONE = Decimal(1)


@dataclass(frozen=True)
class Boost:
    multiplier: Decimal = ONE
    bonus_points: int = 0
    tier_id: int | None = None
    campaign_ids: tuple[int, ...] = ()


def running_campaigns(session: Session, shop_id: int, at: datetime) -> list[Campaign]:
    """The shop's campaigns whose window [starts_at, ends_at) holds `at`."""
    query = select(Campaign).where(Campaign.shop_id == shop_id, Campaign.starts_at <= at, Campaign.ends_at > at)
    return list(session.execute(query.order_by(Campaign.id)).scalars())


def campaign_applies(
    campaign: Campaign, tier_id: int | None, basis: Decimal | None, product_ids: Iterable[str] | None
) -> bool:
    """The campaign's limits: its tier, its minimum order (the earning basis at the first earning),
    its products (any line item's product among them; an order whose products are unknown: no)."""
    if campaign.tier_id is not None and campaign.tier_id != tier_id:
        return False
    if campaign.min_order is not None and (basis is None or basis < Decimal(campaign.min_order)):
        return False
    if campaign.product_ids:
        return bool(set(campaign.product_ids) & set(product_ids or ()))
    return True


def combine(tier: Tier | None, campaigns: Iterable[Campaign]) -> Boost:
    """The stacking rule, over the campaigns that apply."""
    chosen = list(campaigns)
    best = max((Decimal(c.multiplier) for c in chosen), default=ONE)
    tier_multiplier = Decimal(tier.multiplier) if tier is not None else ONE
    return Boost(
        multiplier=tier_multiplier * max(best, ONE),
        bonus_points=sum(int(c.bonus_points or 0) for c in chosen),
        tier_id=tier.id if tier is not None else None,
        campaign_ids=tuple(c.id for c in chosen),
    )


def boost_for(
    session: Session,
    shop_id: int,
    member: Member | None,
    at: datetime,
    basis: Decimal | None = None,
    product_ids: Iterable[str] | None = None,
) -> Boost:
    """The multiplier and bonus that would apply to `member`'s order paid at `at` with this earning
    basis (shop currency) and products, under the member's tier as it stands now."""
    tier = session.get(Tier, member.tier_id) if member is not None and member.tier_id is not None else None
    tier_id = tier.id if tier is not None else None
    products = list(product_ids or ())
    campaigns = [c for c in running_campaigns(session, shop_id, at) if campaign_applies(c, tier_id, basis, products)]
    return combine(tier, campaigns)


def birthday_multiplier(session: Session, member: Member) -> Decimal:
    """The member's tier's birthday multiplier (1 without a tier): the birthday bonus credit
    multiplies `bonus.birthday_points` by it, rounding down."""
    tier = session.get(Tier, member.tier_id) if member.tier_id is not None else None
    return Decimal(tier.birthday_multiplier) if tier is not None else ONE

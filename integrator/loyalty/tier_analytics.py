"""Analytics of tiers and campaigns for the merchant's tiers page: per tier, its members, the revenue
of the orders earned at it and the rewards its members redeemed; per campaign, the orders it boosted,
their revenue and the points they hold, against all orders of the same length of time just before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Campaign, Coupon, Member, Order, Tier
from .tier_status import tiers_of

CAMPAIGNS_SHOWN = 10


@dataclass(frozen=True)
class TierRow:
    tier_id: int | None  # None: members without a tier
    name: str | None
    members: int
    revenue_minor: int  # the earning bases of the orders earned at the tier, net of refunds
    redemptions: int  # reward codes its members (now) redeemed


@dataclass(frozen=True)
class Period:
    orders: int = 0
    revenue_minor: int = 0
    points: int = 0  # what the orders hold now (earned less taken back)


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    during: Period  # the orders the campaign applied to
    before: Period  # every earning order paid in the same length of time just before it


def _counts(rows: Any) -> dict[int | None, int]:
    return {key: int(value) for key, value in rows}


def tier_rows(session: Session, shop_id: int) -> list[TierRow]:
    members: dict[int | None, int] = _counts(
        session.execute(
            select(Member.tier_id, func.count()).where(Member.shop_id == shop_id).group_by(Member.tier_id)
        ).all()
    )
    revenue: dict[int | None, int] = _counts(
        session.execute(
            select(Order.tier_id, func.coalesce(func.sum(Order.qualifying_minor), 0))
            .where(Order.shop_id == shop_id, Order.member_id.is_not(None))
            .group_by(Order.tier_id)
        ).all()
    )
    redeemed: dict[int | None, int] = _counts(
        session.execute(
            select(Member.tier_id, func.count())
            .join(Coupon, Coupon.member_id == Member.id)
            .where(Coupon.shop_id == shop_id, Coupon.kind == "reward", Coupon.status != "failed")
            .group_by(Member.tier_id)
        ).all()
    )
    rows = [(tier.id, tier.name) for tier in reversed(tiers_of(session, shop_id))] + [(None, None)]
    return [
        TierRow(
            tier_id, name, int(members.get(tier_id, 0)), int(revenue.get(tier_id, 0)), int(redeemed.get(tier_id, 0))
        )
        for tier_id, name in rows
    ]


def _period(orders: list[tuple[int, int, list[int] | None]], campaign_id: int | None) -> Period:
    chosen = [row for row in orders if campaign_id is None or campaign_id in (row[2] or [])]
    return Period(len(chosen), sum(row[0] for row in chosen), sum(row[1] for row in chosen))


def _orders(session: Session, shop_id: int, start: datetime, end: datetime) -> list[tuple[int, int, list[int] | None]]:
    query = select(Order.qualifying_minor, Order.points_held, Order.campaign_ids).where(
        Order.shop_id == shop_id,
        Order.member_id.is_not(None),
        Order.paid_at >= start,
        Order.paid_at < end,
        Order.qualifying_minor > 0,
    )
    return [(int(basis), int(points), ids) for basis, points, ids in session.execute(query)]


def campaign_rows(session: Session, shop_id: int) -> list[CampaignRow]:
    """The latest campaigns to start (at most CAMPAIGNS_SHOWN)."""
    campaigns = session.execute(
        select(Campaign)
        .where(Campaign.shop_id == shop_id)
        .order_by(Campaign.starts_at.desc(), Campaign.id.desc())
        .limit(CAMPAIGNS_SHOWN)
    ).scalars()
    rows = []
    for campaign in campaigns:
        length = campaign.ends_at - campaign.starts_at
        during = _orders(session, shop_id, campaign.starts_at, campaign.ends_at)
        before = _orders(session, shop_id, campaign.starts_at - length, campaign.starts_at)
        rows.append(CampaignRow(campaign, _period(during, campaign.id), _period(before, None)))
    return rows


def tier_names(session: Session, shop_id: int) -> dict[int, str]:
    return {tier.id: tier.name for tier in session.execute(select(Tier).where(Tier.shop_id == shop_id)).scalars()}

"""What the public programme answer (the widget's `program`) says about tiers and campaigns: the
tiers with their perks, and the campaigns running now. Rewards for one tier are not listed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .campaigns import running_now
from .models import Reward, Shop
from .settings import current_settings
from .tier_status import tiers_of


def programme_tiers(session: Session, shop: Shop, now: datetime) -> dict[str, Any]:
    """`tiers` (lowest first: name, threshold, multiplier, birthday_multiplier, entry_reward: the
    name of the reward given on entry or null), `tiers_basis` and the running `campaigns`."""
    tiers = tiers_of(session, shop.id)
    reward_ids = {tier.entry_reward_id for tier in tiers if tier.entry_reward_id is not None}
    names: dict[int, str] = {}
    if reward_ids:
        query = select(Reward.id, Reward.name).where(Reward.id.in_(reward_ids), Reward.active.is_(True))
        names = {int(reward_id): name for reward_id, name in session.execute(query)}
    by_id = {tier.id: tier.name for tier in tiers}
    return {
        "tiers_basis": current_settings(shop)["tiers"]["basis"],
        "tiers": [
            {
                "name": tier.name,
                "threshold": tier.threshold,
                "multiplier": tier.multiplier,
                "birthday_multiplier": tier.birthday_multiplier,
                "entry_reward": names.get(tier.entry_reward_id) if tier.entry_reward_id is not None else None,
            }
            for tier in tiers
        ],
        "campaigns": [
            {
                "name": campaign.name,
                "multiplier": campaign.multiplier,
                "bonus_points": campaign.bonus_points,
                "starts_at": campaign.starts_at.isoformat(),
                "ends_at": campaign.ends_at.isoformat(),
                "tier": by_id.get(campaign.tier_id) if campaign.tier_id is not None else None,
                "min_order": campaign.min_order,
                "products_only": bool(campaign.product_ids),
            }
            for campaign in running_now(session, shop.id, now)
        ],
    }

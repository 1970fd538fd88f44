"""A tier's entry gift: the code of its `entry_reward_id` reward, free, to a member entering it (not
to one coming back down into it). Recorded `pending` in the tier change's transaction, as a redeemed
reward's code is; the outbox job makes it on the store (integrator/periodic.py flush_outbox)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .coupons import SpentCode, generate_code, record_spent_code
from .models import Coupon, Member, Reward, Shop, Tier


def give_entry_gift(session: Session, shop: Shop, member: Member, tier: Tier) -> Coupon | None:
    """The gift's coupon, or None when the tier has none (or its reward was deleted or switched off)."""
    if tier.entry_reward_id is None:
        return None
    reward = session.execute(
        select(Reward).where(Reward.id == tier.entry_reward_id, Reward.shop_id == shop.id, Reward.active.is_(True))
    ).scalar_one_or_none()
    if reward is None:
        return None
    terms = SpentCode("reward", str(reward.id), reward.kind, reward.value, reward.min_order, reward.expires_days)
    return record_spent_code(session, shop, member, generate_code(), terms)

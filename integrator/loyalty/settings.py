"""A shop's loyalty rules: defaults, validation (marshmallow) and changes recorded with who and when."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .card_settings import CARD_DEFAULTS
from .earning import Rates
from .errors import InvalidSettings
from .models import SettingsChange, Shop
from .settings_schema import EMAIL_KINDS, SettingsSchema
from .settings_schema import WIDGET_LANGUAGES as WIDGET_LANGUAGES  # where the pages and the widget API read it
from .settings_schema import StrictBoolean as StrictBoolean  # used by other schemas of the domain

DEFAULTS: dict[str, Any] = {
    "points_per_unit": "1",
    "cashback_percent": "0",
    "pending_days": 0,
    "award_test_orders": False,
    "cashback_store_credit": False,
    "points_expiry_days": 0,  # 0 = points never expire (integrator/loyalty/expiry.py has the rule)
    "unboxing": {"enabled": False, "discount_percent": "10", "expires_days": 30, **CARD_DEFAULTS},
    # Where an order's pending days count from: "paid", or "fulfilled" (pending until fulfilment).
    "pending_from": "paid",
    # Ways to earn besides buying (integrator/loyalty/bonuses.py); 0 = off.
    "bonus": {"signup_points": 0, "birthday_points": 0, "newsletter_points": 0, "social_points": 0},
    "social": {"instagram_url": None, "tiktok_url": None, "facebook_url": None},
    # Referrals (integrator/loyalty/referrals.py): the advocate's points once a friend's order has
    # stayed paid for hold_days; the friend's discount; at most monthly_cap referrals per advocate in
    # 30 days before the rest wait for review (0 = no cap).
    "referrals": {
        "enabled": False,
        "advocate_points": 100,
        "friend_discount_percent": "10",
        "hold_days": 14,
        "monthly_cap": 0,
        "advocate_reward_id": None,  # a reward of the shop: the advocate gets its code instead of points
    },
    # What a tier threshold counts (spend: earning bases; points: points earned) and over which window.
    "tiers": {"basis": "spend", "window": "lifetime"},
    "widget": {"accent_color": "#0f766e", "position": "bottom-right", "texts": {"en": {}, "id": {}}},
    # Shopper emails (integrator/notify): off until the merchant turns them on; one switch per email.
    "notifications": {"email": {"enabled": False, **dict.fromkeys(EMAIL_KINDS, True)}},
}

# Shops in currencies with large numbers (1 USD ≈ 16,000 IDR) get a rate that gives a
# comparable number of points: 1 point per Rp 1.000.
CURRENCY_DEFAULTS: dict[str, dict[str, Any]] = {"IDR": {"points_per_unit": "0.001"}}


def defaults_for(currency: str) -> dict[str, Any]:
    values = copy.deepcopy(DEFAULTS)
    values.update(CURRENCY_DEFAULTS.get(currency.upper(), {}))
    return values


def current_settings(shop: Shop) -> dict[str, Any]:
    """The shop's settings with defaults filled in, in the shape the API shows."""
    return _merged(defaults_for(shop.currency), shop.settings or {})


def _merged(base: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """`stored` over `base`, at every depth (a nested default missing from `stored` stays)."""
    merged = dict(base)
    for key, value in stored.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key != "texts":
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def rates_of(shop: Shop) -> Rates:
    values = current_settings(shop)
    return Rates(Decimal(values["points_per_unit"]), Decimal(values["cashback_percent"]))


def _normalised(value: Any) -> Any:
    """Decimals stored as plain strings ("1.50" stays "1.50"; exponent forms are expanded)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {key: _normalised(item) for key, item in value.items()}
    return value


def _same(old: Any, new: Any) -> bool:
    """ "2" and "2.0" are the same rate: decimal strings compare as numbers."""
    if isinstance(old, str) and isinstance(new, str):
        try:
            return Decimal(old) == Decimal(new)
        except ArithmeticError:
            return old == new
    return bool(old == new)


def update_settings(session: Session, shop: Shop, patch: Any, actor: str) -> dict[str, Any]:
    """Validate a partial change and apply it whole, or raise InvalidSettings and change nothing."""
    if not isinstance(patch, dict):
        raise InvalidSettings("settings must be a JSON object", {"_schema": ["Invalid input type."]})
    try:
        loaded = SettingsSchema().load(patch, partial=True)
    except ValidationError as exc:
        raise InvalidSettings("invalid settings", exc.messages) from exc
    before = current_settings(shop)
    stored = copy.deepcopy(shop.settings or {})
    changes: dict[str, Any] = {}
    _apply(stored, before, _normalised(loaded), "", changes)
    if changes:
        shop.settings = stored
        session.add(SettingsChange(shop_id=shop.id, actor=actor, changes=changes))
        session.flush()
    return current_settings(shop)


def _apply(
    stored: dict[str, Any], before: dict[str, Any], patch: dict[str, Any], path: str, changes: dict[str, Any]
) -> None:
    """Write each changed leaf of `patch` into `stored`, noting it in `changes` as "a.b.c". A dict
    is merged key by key, but `texts` (whose post_load fills every language) is one leaf per language."""
    for key, value in patch.items():
        name = f"{path}{key}"
        old = before.get(key) if isinstance(before, dict) else None
        if isinstance(value, dict) and isinstance(old, dict) and key != "texts":
            if not isinstance(stored.get(key), dict):
                stored[key] = {}
            _apply(stored[key], old, value, f"{name}.", changes)
        elif not _same(old, value):
            changes[name] = {"from": old, "to": value}
            stored[key] = value


def changes_of(session: Session, shop_id: int, limit: int = 50) -> list[SettingsChange]:
    """The shop's most recent settings changes, newest first (the audit log on the settings page)."""
    query = (
        select(SettingsChange)
        .where(SettingsChange.shop_id == shop_id)
        .order_by(SettingsChange.created_at.desc(), SettingsChange.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())

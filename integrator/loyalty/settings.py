"""A shop's loyalty rules: defaults, validation (marshmallow) and changes recorded with who and when."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from .card_settings import CARD_DEFAULTS, CARD_MESSAGE_MAX, CARD_SIZES
from .earning import Rates
from .errors import InvalidSettings
from .input_fields import DecimalText, PlainText
from .models import SettingsChange, Shop

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
    "widget": {"accent_color": "#0f766e", "position": "bottom-right", "texts": {"en": {}, "id": {}}},
}

# Shops in currencies with large numbers (1 USD ≈ 16,000 IDR) get a rate that gives a
# comparable number of points: 1 point per Rp 1.000.
CURRENCY_DEFAULTS: dict[str, dict[str, Any]] = {"IDR": {"points_per_unit": "0.001"}}


class StrictBoolean(fields.Boolean):
    """Only JSON true/false: "yes", 1 or "false" are errors, not guesses."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _decimal(low: str, high: str, max_places: int) -> DecimalText:
    """A bounded decimal setting. Orders copy the rates into varchar(32) columns and coupons the
    discount percent: with these bounds every accepted value fits (at most 14 characters) and every
    order up to 10^12 in the shop currency earns points within the ledger's 64-bit integers."""
    return DecimalText(max_places=max_places, validate=validate.Range(min=Decimal(low), max=Decimal(high)))


class UnboxingSchema(Schema):
    class Meta:
        unknown = RAISE

    enabled = StrictBoolean()
    discount_percent = _decimal("0.01", "100", 2)
    expires_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=3650))
    card_size = PlainText(validate=validate.OneOf(CARD_SIZES))
    card_accent = PlainText(validate=validate.Regexp(r"^#[0-9a-fA-F]{6}\Z", error="A #RRGGBB colour is expected."))
    card_message_en = PlainText(validate=validate.Length(max=CARD_MESSAGE_MAX))
    card_message_id = PlainText(validate=validate.Length(max=CARD_MESSAGE_MAX))
    order_note = StrictBoolean()

    @post_load
    def _lowercase_colour(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "card_accent" in data:
            data["card_accent"] = data["card_accent"].lower()
        for language in ("en", "id"):
            if f"card_message_{language}" in data:
                data[f"card_message_{language}"] = data[f"card_message_{language}"].strip()
        return data


BONUS_POINTS = validate.Range(min=0, max=1_000_000)


class BonusSchema(Schema):
    class Meta:
        unknown = RAISE

    signup_points = fields.Integer(strict=True, validate=BONUS_POINTS)
    birthday_points = fields.Integer(strict=True, validate=BONUS_POINTS)
    newsletter_points = fields.Integer(strict=True, validate=BONUS_POINTS)
    social_points = fields.Integer(strict=True, validate=BONUS_POINTS)


# The profile a widget click-through opens must be the shop's page on that network: an https URL on
# the network's own host (never a redirect elsewhere).
SOCIAL_HOSTS = {
    "instagram": ("instagram.com", "www.instagram.com"),
    "tiktok": ("tiktok.com", "www.tiktok.com"),
    "facebook": ("facebook.com", "www.facebook.com", "m.facebook.com"),
}


def _profile_url(network: str) -> Any:
    hosts = "|".join(re.escape(host) for host in SOCIAL_HOSTS[network])
    pattern = rf"^https://(?:{hosts})/[A-Za-z0-9._@%/?=&-]{{1,150}}\Z"
    return PlainText(
        allow_none=True,
        validate=validate.Regexp(pattern, error="An https address of the shop's profile on this network is expected."),
    )


class SocialSchema(Schema):
    class Meta:
        unknown = RAISE

    instagram_url = _profile_url("instagram")
    tiktok_url = _profile_url("tiktok")
    facebook_url = _profile_url("facebook")


class ReferralsSchema(Schema):
    class Meta:
        unknown = RAISE

    enabled = StrictBoolean()
    advocate_points = fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000_000))
    friend_discount_percent = _decimal("1", "100", 2)
    hold_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=365))
    monthly_cap = fields.Integer(strict=True, validate=validate.Range(min=0, max=10_000))
    advocate_reward_id = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=2**63 - 1))


WIDGET_LANGUAGES = ("en", "id")
WIDGET_POSITIONS = ("bottom-right", "bottom-left")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


class WidgetTextsSchema(Schema):
    """The merchant's own words for one language; a missing key keeps the widget's built-in text."""

    class Meta:
        unknown = RAISE

    title = PlainText(validate=[validate.Length(min=1, max=80), _not_blank])
    join = PlainText(validate=[validate.Length(min=1, max=80), _not_blank])
    rewards = PlainText(validate=[validate.Length(min=1, max=80), _not_blank])


class WidgetLanguagesSchema(Schema):
    class Meta:
        unknown = RAISE

    en = fields.Nested(WidgetTextsSchema)
    id = fields.Nested(WidgetTextsSchema)

    @post_load
    def _every_language(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        # `texts` is replaced whole, so a language left out of a patch has no texts of its own.
        return {language: data.get(language, {}) for language in WIDGET_LANGUAGES}


class WidgetSchema(Schema):
    class Meta:
        unknown = RAISE

    # \Z, not $: "$" would let "#0f766e\n" through.
    accent_color = PlainText(validate=validate.Regexp(r"^#[0-9a-fA-F]{6}\Z", error="A #RRGGBB colour is expected."))
    position = PlainText(validate=validate.OneOf(WIDGET_POSITIONS))
    texts = fields.Nested(WidgetLanguagesSchema)

    @post_load
    def _lowercase_colour(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "accent_color" in data:
            data["accent_color"] = data["accent_color"].lower()
        return data


class SettingsSchema(Schema):
    class Meta:
        unknown = RAISE

    points_per_unit = _decimal("0", "1000000", 6)
    cashback_percent = _decimal("0", "100", 4)
    pending_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=365))
    award_test_orders = StrictBoolean()
    cashback_store_credit = StrictBoolean()
    points_expiry_days = fields.Integer(strict=True, validate=validate.Range(min=0, max=3650))
    unboxing = fields.Nested(UnboxingSchema)
    referrals = fields.Nested(ReferralsSchema)
    widget = fields.Nested(WidgetSchema)
    pending_from = PlainText(validate=validate.OneOf(("paid", "fulfilled")))
    bonus = fields.Nested(BonusSchema)
    social = fields.Nested(SocialSchema)


def defaults_for(currency: str) -> dict[str, Any]:
    values = copy.deepcopy(DEFAULTS)
    values.update(CURRENCY_DEFAULTS.get(currency.upper(), {}))
    return values


def current_settings(shop: Shop) -> dict[str, Any]:
    """The shop's settings with defaults filled in, in the shape the API shows."""
    merged = defaults_for(shop.currency)
    stored = shop.settings or {}
    for key, value in stored.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
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
    for key, value in _normalised(loaded).items():
        if isinstance(value, dict):
            merged = dict(stored.get(key, {}))
            for sub, sub_value in value.items():
                if not _same(before[key].get(sub), sub_value):
                    changes[f"{key}.{sub}"] = {"from": before[key].get(sub), "to": sub_value}
                    merged[sub] = sub_value
            stored[key] = merged
        else:
            if not _same(before.get(key), value):
                changes[key] = {"from": before.get(key), "to": value}
                stored[key] = value
    if changes:
        shop.settings = stored
        session.add(SettingsChange(shop_id=shop.id, actor=actor, changes=changes))
        session.flush()
    return current_settings(shop)


def changes_of(session: Session, shop_id: int, limit: int = 50) -> list[SettingsChange]:
    """The shop's most recent settings changes, newest first (the audit log on the settings page)."""
    query = (
        select(SettingsChange)
        .where(SettingsChange.shop_id == shop_id)
        .order_by(SettingsChange.created_at.desc(), SettingsChange.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())

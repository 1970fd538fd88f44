"""The settings' schema: what a PATCH may hold, checked at every depth (integrator/loyalty/settings.py
keeps the defaults, the merge and the change log)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from .card_settings import CARD_MESSAGE_MAX, CARD_SIZES
from .input_fields import DecimalText, PlainText

# The shopper emails, each with its own switch under notifications.email (integrator/notify/texts.py).
EMAIL_KINDS = (
    "points_earned",
    "code_issued",
    "cashback_available",
    "points_expiring",
    "tier_reached",
    "referral_reward",
    "birthday",
)


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


class TiersSchema(Schema):
    class Meta:
        unknown = RAISE

    basis = PlainText(validate=validate.OneOf(("spend", "points")))
    window = PlainText(validate=validate.OneOf(("lifetime", "rolling_year", "calendar_year")))


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


class EmailNotificationsSchema(Schema):
    class Meta:
        unknown = RAISE

    enabled = StrictBoolean()


for _kind in EMAIL_KINDS:
    EmailNotificationsSchema._declared_fields[_kind] = StrictBoolean()


class NotificationsSchema(Schema):
    class Meta:
        unknown = RAISE

    email = fields.Nested(EmailNotificationsSchema)


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
    tiers = fields.Nested(TiersSchema)
    referrals = fields.Nested(ReferralsSchema)
    widget = fields.Nested(WidgetSchema)
    pending_from = PlainText(validate=validate.OneOf(("paid", "fulfilled")))
    bonus = fields.Nested(BonusSchema)
    social = fields.Nested(SocialSchema)
    notifications = fields.Nested(NotificationsSchema)

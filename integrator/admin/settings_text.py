"""The settings in words a merchant reads, in the page's language: the earning rate as people say it
("1 point per Rp 1.000", the widget's own words: widgets/src/format.js rateText), and the change
log's rows with a label per setting and its values shown as values (never raw keys or JSON)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from integrator.loyalty.models import SettingsChange
from integrator.loyalty.money import display, exponent

LABELS: dict[str, Any] = {
    "points_per_unit": _l("Earning rate"),
    "cashback_percent": _l("Cashback percentage"),
    "pending_days": _l("Days before points can be used"),
    "points_expiry_days": _l("Points expire after"),
    "award_test_orders": _l("Award test orders"),
    "cashback_store_credit": _l("Cashback as store credit"),
    "unboxing.enabled": _l("Unboxing coupon"),
    "unboxing.discount_percent": _l("Unboxing coupon discount"),
    "unboxing.expires_days": _l("Unboxing coupon valid for"),
    "unboxing.card_size": _l("Unboxing card size"),
    "unboxing.card_accent": _l("Unboxing card colour"),
    "unboxing.card_message_en": _l("Unboxing card message (English)"),
    "unboxing.card_message_id": _l("Unboxing card message (Indonesian)"),
    "unboxing.order_note": _l("Unboxing code in the order note"),
    "referrals.enabled": _l("Referrals"),
    "referrals.advocate_points": _l("Points per referral"),
    "referrals.friend_discount_percent": _l("Friend's discount"),
    "referrals.hold_days": _l("Referral hold (days)"),
    "referrals.monthly_cap": _l("Referrals per member in 30 days"),
    "referrals.advocate_reward_id": _l("Referral reward code"),
    "tiers.basis": _l("Tier thresholds count"),
    "tiers.window": _l("Tier thresholds over"),
    "widget.accent_color": _l("Widget accent colour"),
    "widget.position": _l("Widget position"),
    "widget.texts": _l("Widget texts"),
    "pending_from": _l("Pending days count from"),
    "bonus.signup_points": _l("Sign-up bonus"),
    "bonus.birthday_points": _l("Birthday bonus"),
    "bonus.newsletter_points": _l("Newsletter bonus"),
    "bonus.social_points": _l("Social follow bonus"),
    "social.instagram_url": _l("Instagram profile"),
    "social.tiktok_url": _l("TikTok profile"),
    "social.facebook_url": _l("Facebook profile"),
    "notifications.email": _l("Emails to members"),
}
PENDING_FROM = {"paid": _l("payment"), "fulfilled": _l("fulfilment")}
POSITIONS = {"bottom-right": _l("Bottom right"), "bottom-left": _l("Bottom left")}
TIER_WORDS = {
    "spend": _l("spend"),
    "points": _l("points earned"),
    "lifetime": _l("the member's lifetime"),
    "rolling_year": _l("the last 12 months"),
    "calendar_year": _l("the calendar year"),
}
LANGUAGES = {"en": _l("English"), "id": _l("Indonesian")}
TEXT_KEYS = {"title": _l("Title"), "join": _l("Invitation to join"), "rewards": _l("Rewards heading")}
MAX_AMOUNT = 10**9


def _label(key: str) -> str:
    """A setting's label; a deeper key ("notifications.email.enabled") by its parent's, and its own name."""
    parent, _, leaf = key.rpartition(".")
    if key not in LABELS and parent in LABELS:
        return f"{LABELS[parent]} ({leaf})"
    return str(LABELS.get(key, key))


def _language() -> str:
    return str(get_locale() or "en")


def rate_in_words(points_per_unit: Any, currency: str) -> str | None:
    """ "0.001" in IDR → "1 point per Rp 1.000": the smallest power-of-ten amount that earns at least
    one point (as widgets/src/format.js S.rate). None for anything but a positive decimal."""
    try:
        rate = Decimal(str(points_per_unit))
    except (InvalidOperation, ValueError):
        return None
    if not rate.is_finite() or rate <= 0:
        return None
    amount = 1
    while rate < 1 and amount < MAX_AMOUNT:
        rate *= 10
        amount *= 10
    points = ngettext(
        "%(count)s point", "%(count)s points", 1 if rate == 1 else 2, count=format_decimal(rate.normalize())
    )
    money = display(amount * 10 ** exponent(currency), currency, _language())
    return _("%(points)s per %(amount)s spent", points=points, amount=money)


def _days(value: Any, zero: str) -> str:
    if value == 0:
        return zero
    return ngettext("%(num)s day", "%(num)s days", int(value))


def _texts(value: dict[str, Any]) -> str:
    parts = [
        f"{LANGUAGES.get(language, language)}: {TEXT_KEYS.get(key, key)} “{text}”"
        for language, texts in sorted(value.items())
        if isinstance(texts, dict)
        for key, text in sorted(texts.items())
    ]
    return "; ".join(parts) or _("built-in texts")


def shown_value(key: str, value: Any, currency: str) -> str:
    """One setting's value as the change log shows it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("on") if value else _("off")
    if key == "points_per_unit":
        return rate_in_words(value, currency) or _("no points")
    if key in ("cashback_percent", "unboxing.discount_percent"):
        return f"{format_decimal(Decimal(str(value)))}%"
    if key in ("points_expiry_days", "pending_days", "unboxing.expires_days"):
        return _days(value, zero=_("never") if key == "points_expiry_days" else _("at once"))
    if key == "widget.position":
        return str(POSITIONS.get(value, value))
    if key == "pending_from":
        return str(PENDING_FROM.get(value, value))
    if key in ("tiers.basis", "tiers.window"):
        return str(TIER_WORDS.get(value, value))
    if key == "widget.texts" and isinstance(value, dict):
        return _texts(value)
    return str(value)


def _who(actor: str) -> str:
    if actor == "login-link":
        return _("Login link")
    if actor.startswith("shopify:"):
        return _("Shopify staff %(id)s", id=actor.removeprefix("shopify:"))
    if actor == "demo":
        return _("Demo setup")
    return actor


def audit_rows(changes: list[SettingsChange], currency: str) -> list[dict[str, str]]:
    """One row per changed setting, newest change first: when, who, which setting, from → to."""
    return [
        {
            "when": change.created_at.strftime("%Y-%m-%d %H:%M"),
            "who": _who(change.actor),
            "setting": _label(key),
            "from": shown_value(key, values.get("from"), currency),
            "to": shown_value(key, values.get("to"), currency),
        }
        for change in changes
        for key, values in sorted(change.changes.items())
    ]

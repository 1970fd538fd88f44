"""Error texts in the reader's language. The domain (integrator/loyalty/) and marshmallow write their
messages in English, already filled in ("Must be less than or equal to 100."); this module knows
every template they use, reads the values back out of a message, and writes it again from the
template's translation. A message it does not know stays as it is (a test holds every message the
settings and reward schemas and the domain errors can produce to a translated template here)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# The English template (as marshmallow or the domain writes it) → the same text for the catalog.
# `{name}` placeholders are read out of the English message and put into the translation.
TEMPLATES: dict[str, Any] = {
    # marshmallow's own messages (fields and validators the schemas use)
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("Field may not be null."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input type.": _l("Invalid input type."),
    "Invalid type.": _l("Invalid type."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Number too large.": _l("Number too large."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid utf-8 string.": _l("Not a valid utf-8 string."),
    "Not a valid number.": _l("Not a valid number."),
    "Special numeric values (nan or infinity) are not permitted.": _l(
        "Special numeric values (nan or infinity) are not permitted."
    ),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid mapping type.": _l("Not a valid mapping type."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid {obj_type}.": _l("Not a valid {obj_type}."),
    "Not a valid {awareness} {obj_type}.": _l("Not a valid {awareness} {obj_type}."),
    '"{input}" cannot be formatted as a date.': _l('"{input}" cannot be formatted as a date.'),
    '"{input}" cannot be formatted as a {obj_type}.': _l('"{input}" cannot be formatted as a {obj_type}.'),
    "Not a valid email address.": _l("Not a valid email address."),
    "Invalid input.": _l("Invalid input."),
    "Must be greater than or equal to {min}.": _l("Must be greater than or equal to {min}."),
    "Must be greater than {min}.": _l("Must be greater than {min}."),
    "Must be less than or equal to {max}.": _l("Must be less than or equal to {max}."),
    "Must be less than {max}.": _l("Must be less than {max}."),
    "Must be greater than or equal to {min} and less than or equal to {max}.": _l(
        "Must be greater than or equal to {min} and less than or equal to {max}."
    ),
    "Must be greater than {min} and less than {max}.": _l("Must be greater than {min} and less than {max}."),
    "Shorter than minimum length {min}.": _l("Shorter than minimum length {min}."),
    "Longer than maximum length {max}.": _l("Longer than maximum length {max}."),
    "Length must be between {min} and {max}.": _l("Length must be between {min} and {max}."),
    "Length must be {equal}.": _l("Length must be {equal}."),
    "Must be one of: {choices}.": _l("Must be one of: {choices}."),
    "String does not match expected pattern.": _l("String does not match expected pattern."),
    # Setia's own field messages (integrator/loyalty/input_fields.py, settings.py, rewards.py)
    'Not a valid decimal number: ASCII digits like "12.5" are expected.': _l(
        'Not a valid decimal number: ASCII digits like "12.5" are expected.'
    ),
    "At most {max_places} digits after the decimal point.": _l("At most {max_places} digits after the decimal point."),
    "Must be valid Unicode text.": _l("Must be valid Unicode text."),
    "Must not be blank.": _l("Must not be blank."),
    "Must not contain NUL characters.": _l("Must not contain NUL characters."),
    "A #RRGGBB colour is expected.": _l("A #RRGGBB colour is expected."),
    "a fixed amount is more than 0": _l("a fixed amount is more than 0"),
    "a percentage is more than 0 and at most 100": _l("a percentage is more than 0 and at most 100"),
    "a percentage has at most {places} decimals": _l("a percentage has at most {places} decimals"),
    "must not be zero": _l("must not be zero"),
    "Month 1-12 and day 1-31 are expected.": _l("Month 1-12 and day 1-31 are expected."),
    "No such day in that month.": _l("No such day in that month."),
    "An https address of the shop's profile on this network is expected.": _l(
        "An https address of the shop's profile on this network is expected."
    ),
    "Lowercase letters, digits, _ and - (at most 40).": _l("Lowercase letters, digits, _ and - (at most 40)."),
    "An action with this name exists.": _l("An action with this name exists."),
    "At most {count} actions.": _l("At most {count} actions."),
    "Must be a public http or https URL.": _l("Must be a public http or https URL."),
    "A shop has at most {count} webhook endpoints.": _l("A shop has at most {count} webhook endpoints."),
    "another tier has this name": _l("another tier has this name"),
    "another tier has this threshold": _l("another tier has this threshold"),
    "a whole number of points": _l("a whole number of points"),
    "at most the minor unit of {currency} (like {example})": _l(
        "at most the minor unit of {currency} (like {example})"
    ),
    "ends_at must be after starts_at": _l("ends_at must be after starts_at"),
    "a campaign gives a multiplier above 1 or bonus points": _l(
        "a campaign gives a multiplier above 1 or bonus points"
    ),
    # DomainError messages (integrator/loyalty/, the widget API, the app proxy)
    "unknown shop": _l("unknown shop"),
    "shop not connected": _l("shop not connected"),
    "invalid settings": _l("invalid settings"),
    "invalid reward": _l("invalid reward"),
    "settings must be a JSON object": _l("settings must be a JSON object"),
    "not enough points available": _l("not enough points available"),
    "not enough cashback available": _l("not enough cashback available"),
    "cashback is paid as store credit": _l("cashback is paid as store credit"),
    "this idempotency_key was used for a different adjustment": _l(
        "this idempotency_key was used for a different adjustment"
    ),
    "no such member": _l("no such member"),
    "no such reward": _l("no such reward"),
    "no such tier": _l("no such tier"),
    "no such campaign": _l("no such campaign"),
    "invalid tier": _l("invalid tier"),
    "invalid campaign": _l("invalid campaign"),
    "a shop has at most 5 tiers": _l("a shop has at most 5 tiers"),
    "no such import": _l("no such import"),
    "no such data request": _l("no such data request"),
    "no such API key": _l("no such API key"),
    "unknown order": _l("unknown order"),
    "not signed in": _l("not signed in"),
    "invalid birthday": _l("invalid birthday"),
    "a birthday can change once a year": _l("a birthday can change once a year"),
    "no such action": _l("no such action"),
    "an action with this name exists": _l("an action with this name exists"),
    "too many actions": _l("too many actions"),
    "this action's limit for the period is reached": _l("this action's limit for the period is reached"),
    "this idempotency_key was used for another action": _l("this idempotency_key was used for another action"),
    "referrals are off": _l("referrals are off"),
    "no such referral": _l("no such referral"),
    "this referral is not waiting for review": _l("this referral is not waiting for review"),
    "unknown referral link": _l("unknown referral link"),
    "invalid input": _l("invalid input"),
    "no such webhook endpoint": _l("no such webhook endpoint"),
    "no such delivery": _l("no such delivery"),
    # Unboxing cards (integrator/loyalty/unboxing.py, logos.py)
    "invalid logo": _l("invalid logo"),
    "Choose a PNG or JPEG file.": _l("Choose a PNG or JPEG file."),
    "The logo must be at most 1 MB.": _l("The logo must be at most 1 MB."),
    "The logo must be a PNG or JPEG image.": _l("The logo must be a PNG or JPEG image."),
    "The logo is too large (at most 4096 × 4096 pixels).": _l("The logo is too large (at most 4096 × 4096 pixels)."),
    "not a day (YYYY-MM-DD): {text}": _l("not a day (YYYY-MM-DD): {text}"),
    "`to` is before `from`": _l("`to` is before `from`"),
    "at most {days} days at once": _l("at most {days} days at once"),
    "size must be one of {sizes}": _l("size must be one of {sizes}"),
    "the body must be a JSON object": _l("the body must be a JSON object"),
    "card must be a list of at most 1000 scan tokens": _l("card must be a list of at most 1000 scan tokens"),
}


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """ "Must be less than or equal to {max}." → a regex with a named group per placeholder."""
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.S)


def template_of(message: str) -> str | None:
    """The known English template a message was written from, or None."""
    if message in TEMPLATES:
        return message
    # "Must be greater than or equal to {min}." also matches the message of the template with a
    # maximum too: the template with the most words of its own is the one that wrote it.
    matching = [template for template in TEMPLATES if "{" in template and _pattern(template).match(message)]
    return max(matching, key=lambda template: len(re.sub(r"\{\w+\}", "", template)), default=None)


def translated(message: str) -> str:
    """One message in the request's language (English messages are returned as they are)."""
    if str(get_locale() or "en") == "en":
        return message
    template = template_of(message)
    if template is None:
        return message
    match = _pattern(template).match(message)
    values = match.groupdict() if match else {}
    return str(TEMPLATES[template]).format(**values)


def translated_details(details: Any) -> Any:
    """Field errors ({"field": ["message"], "nested": {...}}) with every message translated."""
    if isinstance(details, str):
        return translated(details)
    if isinstance(details, dict):
        return {key: translated_details(value) for key, value in details.items()}
    if isinstance(details, list | tuple):
        return [translated_details(value) for value in details]
    return details


def untranslatable(messages: Iterable[str]) -> list[str]:
    """The messages no template here can translate (the i18n check's question)."""
    return [message for message in messages if template_of(message) is None]

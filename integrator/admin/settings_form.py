"""The settings form as a plain HTML form post (a cookie session without JavaScript): its fields read
into the same partial change the page's fetch sends as JSON, so SettingsSchema judges both alike."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, fields
from werkzeug.datastructures import MultiDict

from integrator.loyalty.errors import InvalidSettings
from integrator.loyalty.settings import SettingsSchema

# Form fields that are not settings: the CSRF token, and the names of the checkboxes on the page
# (an unticked checkbox sends nothing, so the page lists them to tell "off" from "not on the page").
NOT_SETTINGS = ("csrf_token", "checkboxes")
WHOLE = re.compile(r"^-?\d+\Z")


def _field(schema: Schema, path: list[str]) -> fields.Field | None:
    field = schema.fields.get(path[0])
    if len(path) == 1 or field is None:
        return field
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        return _field(field.schema, path[1:])
    return None


def _typed(field: fields.Field | None, text: str) -> Any:
    """A whole number for an integer setting (else the text, which the schema refuses as it would
    from JSON); decimals and texts stay text."""
    if isinstance(field, fields.Integer) and WHOLE.match(text.strip()):
        return int(text.strip())
    if field is not None and field.allow_none and not text.strip():
        return None  # an empty choice of a setting that may be unset (the referral reward: points)
    return text.strip() if isinstance(field, fields.Integer | fields.Decimal) else text


def _node(patch: dict[str, Any], path: list[str]) -> dict[str, Any]:
    """The object at `path` in the change, made on the way; a value already in the way (a form that
    sends both "unboxing" and "unboxing.enabled") is refused like any bad field, never a crash."""
    target = patch
    for depth, key in enumerate(path):
        found = target.setdefault(key, {})
        if not isinstance(found, dict):
            raise InvalidSettings("invalid settings", {".".join(path[: depth + 1]): ["Invalid input type."]})
        target = found
    return target


def patch_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """The form's fields as a partial change: "widget.texts.id.title" → {"widget": {"texts": {"id":
    {"title": ...}}}}; an empty widget text is left out (the built-in text), as the page's fetch does.
    Raises InvalidSettings for names that contradict each other."""
    schema = SettingsSchema()
    patch: dict[str, Any] = {}
    checkboxes = form.getlist("checkboxes")
    for name in checkboxes:
        path = name.split(".")
        if _field(schema, path) is not None:
            _node(patch, path[:-1])[path[-1]] = name in form
    for name, text in form.items():
        if name in NOT_SETTINGS or name in checkboxes:
            continue
        path = name.split(".")
        if path[:2] == ["widget", "texts"] and len(path) == 4:
            language = _node(patch, path[:3])  # a language without texts of its own: the built-in ones
            if text.strip():
                language[path[3]] = text
            continue
        target = _node(patch, path[:-1])
        if isinstance(target.get(path[-1]), dict):
            raise InvalidSettings("invalid settings", {name: ["Invalid input type."]})
        target[path[-1]] = _typed(_field(schema, path), text)
    return patch


def flat_errors(details: Any, prefix: str = "") -> dict[str, str]:
    """{"unboxing": {"expires_days": ["…"]}} → {"unboxing.expires_days": "…"} (one message per field,
    as the page's script shows them: admin.js showErrors)."""
    flat: dict[str, str] = {}
    if isinstance(details, dict):
        for key, value in details.items():
            flat.update(flat_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(details, list | tuple) and details:
        if all(isinstance(item, str) for item in details):
            flat[prefix or "_schema"] = " ".join(details)
    elif isinstance(details, str):
        flat[prefix or "_schema"] = details
    return flat


def shown_after_refusal(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The page's values after a refused post: what the merchant typed over the saved settings (so
    they correct a field instead of typing everything again)."""
    merged = dict(current)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = shown_after_refusal(merged[key], value)
        else:
            merged[key] = value
    return merged

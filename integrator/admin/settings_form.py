"""The settings form as a plain HTML form post (a cookie session without JavaScript): its fields read
into the same partial change the page's fetch sends as JSON, so SettingsSchema judges both alike."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, fields
from werkzeug.datastructures import MultiDict

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
    return text.strip() if isinstance(field, fields.Integer | fields.Decimal) else text


def _put(patch: dict[str, Any], path: list[str], value: Any) -> None:
    target = patch
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def patch_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """The form's fields as a partial change: "widget.texts.id.title" → {"widget": {"texts": {"id":
    {"title": ...}}}}; an empty widget text is left out (the built-in text), as the page's fetch does."""
    schema = SettingsSchema()
    patch: dict[str, Any] = {}
    for name in form.getlist("checkboxes"):
        if _field(schema, name.split(".")) is not None:
            _put(patch, name.split("."), name in form)
    for name, text in form.items():
        if name in NOT_SETTINGS or name in form.getlist("checkboxes"):
            continue
        path = name.split(".")
        if path[:2] == ["widget", "texts"] and len(path) == 4:
            _put(patch, path[:3], patch.get("widget", {}).get("texts", {}).get(path[2], {}))
            if text.strip():
                _put(patch, path, text)
            continue
        _put(patch, path, _typed(_field(schema, path), text))
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

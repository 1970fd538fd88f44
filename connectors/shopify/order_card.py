"""The unboxing card's code and scan link on a Shopify order: order metafields (namespace `setia`,
with metafield definitions so the admin, Order Printer and notification emails show them) and, when
the merchant opts in, a note attribute plus one line appended to the order note, never replacing
what the merchant wrote there (docs/unboxing.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.base import PlatformError

from .documents import METAFIELD_DEFINITION_CREATE, ORDER_METAFIELDS_SET, ORDER_NOTE_QUERY, ORDER_UPDATE

NAMESPACE = "setia"
CODE_KEY = "unboxing_code"
URL_KEY = "unboxing_url"
NOTE_ATTRIBUTE = "Setia unboxing code"
NOTE_PREFIX = "Unboxing code / Kode unboxing:"
MAX_NOTE = 5000  # what Setia lets a note grow to; a longer merchant note is left alone
DEFINITIONS = (
    (CODE_KEY, "Unboxing code", "single_line_text_field", "The Setia unboxing code printed on this order's card."),
    (URL_KEY, "Unboxing scan link", "url", "The link in the QR code of this order's Setia unboxing card."),
)

GraphQL = Callable[[str, dict[str, Any]], dict[str, Any]]


def order_gid(order_id: str) -> str:
    return order_id if order_id.startswith("gid://") else f"gid://shopify/Order/{order_id}"


def card_metafields(order_id: str, code: str, scan_url: str | None) -> list[dict[str, str]]:
    owner = order_gid(order_id)
    fields = [
        {"ownerId": owner, "namespace": NAMESPACE, "key": CODE_KEY, "type": "single_line_text_field", "value": code}
    ]
    if scan_url:
        fields.append({"ownerId": owner, "namespace": NAMESPACE, "key": URL_KEY, "type": "url", "value": scan_url})
    return fields


def write_card(graphql: GraphQL, order_id: str, code: str, scan_url: str | None, note: bool) -> None:
    """Metafields always; the note attribute and note line only with `note`. PlatformError when
    Shopify refuses (a shop that has not granted write_orders)."""
    result = graphql(ORDER_METAFIELDS_SET, {"metafields": card_metafields(order_id, code, scan_url)})["metafieldsSet"]
    if result.get("userErrors"):
        raise PlatformError(f"Shopify refused the order metafields: {result['userErrors']}", False)
    if note:
        _append_note(graphql, order_id, code)


def _append_note(graphql: GraphQL, order_id: str, code: str) -> None:
    order = graphql(ORDER_NOTE_QUERY, {"id": order_gid(order_id)}).get("order")
    if not order:
        raise PlatformError(f"order {order_id} not found on Shopify", False)
    attributes = [{"key": a["key"], "value": a["value"] or ""} for a in order.get("customAttributes") or []]
    current = order.get("note") or ""
    line = f"{NOTE_PREFIX} {code}"
    if any(a["key"] == NOTE_ATTRIBUTE for a in attributes) and line in current:
        return  # written before (a job run twice)
    if not any(a["key"] == NOTE_ATTRIBUTE for a in attributes):
        attributes.append({"key": NOTE_ATTRIBUTE, "value": code})
    note = current if line in current else (f"{current.rstrip()}\n{line}" if current.strip() else line)
    update: dict[str, Any] = {"id": order_gid(order_id), "customAttributes": attributes}
    if len(note) <= MAX_NOTE:
        update["note"] = note
    result = graphql(ORDER_UPDATE, {"input": update})["orderUpdate"]
    if result.get("userErrors"):
        raise PlatformError(f"Shopify refused the order note: {result['userErrors']}", False)


def create_definitions(graphql: GraphQL) -> list[str]:
    """The `setia` order metafield definitions (TAKEN: they exist already); the keys created."""
    created = []
    for key, name, kind, description in DEFINITIONS:
        definition = {
            "namespace": NAMESPACE,
            "key": key,
            "name": name,
            "description": description,
            "type": kind,
            "ownerType": "ORDER",
            "pin": True,
        }
        result = graphql(METAFIELD_DEFINITION_CREATE, {"definition": definition})["metafieldDefinitionCreate"]
        errors = result.get("userErrors") or []
        if any(error.get("code") == "PINNED_LIMIT_REACHED" for error in errors):  # made, but not pinned
            definition["pin"] = False
            result = graphql(METAFIELD_DEFINITION_CREATE, {"definition": definition})["metafieldDefinitionCreate"]
            errors = result.get("userErrors") or []
        if errors and not all(error.get("code") == "TAKEN" for error in errors):
            raise PlatformError(f"Shopify refused the metafield definition {key}: {errors}", False)
        if not errors:
            created.append(key)
    return created

"""What a fake Shopify shop holds of the writes Setia makes to orders (the unboxing card): order
metafields, the order note and note attributes, and metafield definitions; answered as Shopify's
Admin API answers them (a definition made twice is TAKEN; an unknown order is null). The fake
judges every request against the schema and scopes before any of this runs (tests/fake_shopify.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class OrderState:
    note: str | None = None
    attributes: list[dict[str, str]] = field(default_factory=list)
    metafields: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)


class ShopState:
    def __init__(self) -> None:
        self.orders: dict[str, OrderState] = {}
        self.definitions: set[tuple[str, str, str]] = set()
        self.operations: dict[str, Callable[[dict[str, Any]], Any]] = {
            "SetiaOrderMetafields": self.metafields_set,
            "SetiaMetafieldDefinition": self.definition_create,
            "SetiaOrderNote": self.order_note,
            "SetiaOrderUpdate": self.order_update,
        }

    def order(self, gid: str, note: str | None = None, attributes: list[dict[str, str]] | None = None) -> OrderState:
        """The order (made if the test has not placed it), optionally with the merchant's note."""
        state = self.orders.setdefault(gid, OrderState())
        if note is not None:
            state.note = note
        if attributes is not None:
            state.attributes = list(attributes)
        return state

    def metafields_set(self, variables: dict[str, Any]) -> dict[str, Any]:
        written = []
        for item in variables["metafields"]:
            state = self.order(item["ownerId"])
            value = {"namespace": item.get("namespace") or "", "key": item["key"], "value": item["value"]}
            state.metafields[(value["namespace"], value["key"])] = {**value, "type": item.get("type") or ""}
            written.append(value)
        return {"metafieldsSet": {"metafields": written, "userErrors": []}}

    def definition_create(self, variables: dict[str, Any]) -> dict[str, Any]:
        definition = variables["definition"]
        key = (definition["ownerType"], definition.get("namespace") or "", definition["key"])
        if key in self.definitions:
            taken = {"field": ["definition", "key"], "code": "TAKEN", "message": "Key is in use for Order metafields"}
            return {"metafieldDefinitionCreate": {"createdDefinition": None, "userErrors": [taken]}}
        self.definitions.add(key)
        created = {"id": f"gid://shopify/MetafieldDefinition/{len(self.definitions)}"}
        return {"metafieldDefinitionCreate": {"createdDefinition": created, "userErrors": []}}

    def order_note(self, variables: dict[str, Any]) -> dict[str, Any]:
        state = self.orders.get(variables["id"])
        if state is None:
            return {"order": None}
        return {"order": {"id": variables["id"], "note": state.note, "customAttributes": state.attributes}}

    def order_update(self, variables: dict[str, Any]) -> dict[str, Any]:
        update = variables["input"]
        state = self.order(update["id"])
        if "note" in update:
            state.note = update["note"]
        if "customAttributes" in update:
            state.attributes = [dict(item) for item in update["customAttributes"]]
        return {"orderUpdate": {"order": {"id": update["id"]}, "userErrors": []}}

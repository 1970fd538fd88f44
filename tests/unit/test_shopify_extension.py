"""The theme app extension's files hold together: the app embed's schema is valid JSON aimed at the
body, the cart app block's at the cart's sections, every translation key they use exists in each
locale, and the snippet is the contract's."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

EXTENSION = Path(__file__).resolve().parents[2] / "connectors" / "shopify" / "extension"
BLOCK = EXTENSION / "blocks" / "loyalty-embed.liquid"
CART_BLOCK = EXTENSION / "blocks" / "cart-points.liquid"


def schema(block: Path = BLOCK) -> dict[str, Any]:
    match = re.search(r"{%\s*schema\s*%}(.*?){%\s*endschema\s*%}", block.read_text(), re.S)
    assert match, "the block has no {% schema %}"
    return dict(json.loads(match.group(1)))


def lookup(table: dict[str, Any], key: str) -> Any:
    value: Any = table
    for part in key.split("."):
        value = value[part]
    return value


def test_extension_is_a_theme_extension() -> None:
    config = tomllib.loads((EXTENSION / "shopify.extension.toml").read_text())
    assert config["type"] == "theme"
    assert config["name"]


def test_block_is_an_app_embed_for_the_body() -> None:
    block = schema()
    assert block["target"] == "body"
    assert {setting["id"] for setting in block["settings"]} == {"public_id", "app_url", "proxy_path", "cart_drawer"}
    # The cart drawer's selector reaches the widget, escaped, only when set.
    assert 'data-cart-drawer="{{ setia_cart_drawer | escape }}"' in BLOCK.read_text()


def test_the_cart_block_is_an_app_block_for_the_cart_with_the_exact_subtotal() -> None:
    block = schema(CART_BLOCK)
    assert block["target"] == "section" and block["enabled_on"] == {"templates": ["cart"]}
    source = CART_BLOCK.read_text()
    element = re.search(r"<div(.*?)></div>", source, re.S)
    assert element
    assert 'data-setia="cart"' in element.group(1) and 'data-source="shopify-cart"' in element.group(1)
    # Shopify's hundredths as exact text: whole part, a point, two digits (9 → "09"), never a float.
    assert 'data-subtotal="{{ setia_whole }}.{{ setia_hundredths }}"' in element.group(1)
    assert "cart.total_price | divided_by: 100 -%}" in source
    assert "cart.total_price | modulo: 100 | plus: 100 | append: '' | slice: 1, 2" in source
    assert "100.0" not in source


@pytest.mark.parametrize("locale", ["en.default", "id"])
def test_every_schema_translation_exists(locale: str) -> None:
    table = json.loads((EXTENSION / "locales" / f"{locale}.schema.json").read_text())
    texts = [
        text
        for block in (schema(BLOCK), schema(CART_BLOCK))
        for text in [block["name"], *(v for s in block["settings"] for v in s.values() if isinstance(v, str))]
    ]
    keys = [text[2:] for text in texts if text.startswith("t:")]
    assert keys
    for key in keys:
        assert isinstance(lookup(table, key), str), key


@pytest.mark.parametrize("locale", ["en.default", "id"])
def test_every_storefront_translation_exists(locale: str) -> None:
    table = json.loads((EXTENSION / "locales" / f"{locale}.json").read_text())
    keys = re.findall(r"'([\w.]+)'\s*\|\s*t\b", BLOCK.read_text())
    assert keys
    for key in keys:
        assert isinstance(lookup(table, key), str), key


def test_snippet_is_the_contracts_loader() -> None:
    source = BLOCK.read_text()
    tag = re.search(r"<script(.*?)></script>", source, re.S)
    assert tag
    assert 'src="{{ setia_app_url | escape }}/widgets/loyalty.js"' in tag.group(1)
    assert "data-shop=" in tag.group(1)
    assert re.search(r"\bdefer\b", tag.group(1))
    # The theme cannot sign a shopper: it must not pretend to.
    assert "data-sig" not in tag.group(1)

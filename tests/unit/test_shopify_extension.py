"""The theme app extension's files hold together: the app embed's schema is valid JSON aimed at the
body, every translation key it uses exists in each locale, and the snippet is the contract's."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

EXTENSION = Path(__file__).resolve().parents[2] / "connectors" / "shopify" / "extension"
BLOCK = EXTENSION / "blocks" / "loyalty-embed.liquid"


def schema() -> dict[str, Any]:
    match = re.search(r"{%\s*schema\s*%}(.*?){%\s*endschema\s*%}", BLOCK.read_text(), re.S)
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
    assert {setting["id"] for setting in block["settings"]} == {"public_id", "app_url", "proxy_path"}


@pytest.mark.parametrize("locale", ["en.default", "id"])
def test_every_schema_translation_exists(locale: str) -> None:
    table = json.loads((EXTENSION / "locales" / f"{locale}.schema.json").read_text())
    texts = [schema()["name"]] + [v for s in schema()["settings"] for v in s.values() if isinstance(v, str)]
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

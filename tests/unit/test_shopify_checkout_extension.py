"""The Checkout UI extension (connectors/shopify/checkout-extension/): its logic passes its own
`node --test` suite (node is on the machine image; under CI or REQUIRE_BROWSER=1 a missing node
fails, never skips), and its configuration names the two targets, existing modules and network access."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

EXTENSION = Path(__file__).resolve().parents[2] / "connectors" / "shopify" / "checkout-extension"
LOGIC = EXTENSION / "src" / "loyalty-answer.js"


def node() -> str:
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("node is missing: the Checkout UI extension's tests cannot run")
        pytest.skip("node is not installed")
    return found


def test_the_extension_logic_passes_its_node_test_suite() -> None:
    done = subprocess.run(  # noqa: S603 (our own test file)
        [node(), "--test", str(LOGIC.with_name("loyalty-answer.test.js"))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    passed = re.search(r"^# pass (\d+)$", done.stdout, re.M)
    assert passed and int(passed.group(1)) >= 10, done.stdout[-2000:]
    assert re.search(r"^# fail 0$", done.stdout, re.M)


def test_the_extension_renders_on_the_thank_you_and_order_status_pages() -> None:
    config = tomllib.loads((EXTENSION / "shopify.extension.toml").read_text())
    [extension] = config["extensions"]
    assert extension["type"] == "ui_extension"
    targets = {entry["target"]: entry["module"] for entry in extension["targeting"]}
    assert set(targets) == {"purchase.thank-you.block.render", "customer-account.order-status.block.render"}
    for module in targets.values():
        assert (EXTENSION / module).is_file(), module
    assert extension["capabilities"]["network_access"] is True


def test_the_logic_module_imports_nothing_and_the_blocks_use_it() -> None:
    assert not re.search(r"^\s*import\b", LOGIC.read_text(), re.M)  # pure: runs under node as is
    block = (EXTENSION / "src" / "OrderPoints.jsx").read_text()
    assert "from './loyalty-answer.js'" in block and "shopify.sessionToken.get()" in block
    assert "/checkout/shopify/orders/" in LOGIC.read_text()

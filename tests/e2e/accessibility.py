"""axe-core (the npm package pinned in tests/e2e/package.json and package-lock.json) run in the page
with the WCAG 2.1 A and AA rules. `npm ci` installs it into the git-ignored tests/e2e/node_modules,
again only when the lock file changed; under CI or REQUIRE_BROWSER=1 a missing npm fails, never
skips. The script is evaluated through the DevTools protocol, so a page's Content-Security-Policy
(the merchant pages have one) does not refuse it."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

E2E = Path(__file__).parent
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _npm() -> str:
    found = shutil.which("npm")
    if found is None:
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("npm is missing: axe-core cannot be installed for the accessibility tests")
        pytest.skip("npm is not installed")
    return found


@functools.cache
def node_modules() -> Path:
    """tests/e2e/node_modules as the lock file pins it (axe-core; React for the WooCommerce checkout
    script's page), installed with `npm ci` when the lock changed."""
    lock = hashlib.sha256((E2E / "package-lock.json").read_bytes()).hexdigest()
    stamp = E2E / "node_modules" / ".setia-lock-sha256"
    if not stamp.is_file() or stamp.read_text() != lock:
        done = subprocess.run(  # noqa: S603 (npm from PATH, our own lock file)
            [_npm(), "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=E2E,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
        stamp.write_text(lock)
    return E2E / "node_modules"


@functools.cache
def axe_source() -> str:
    return (node_modules() / "axe-core" / "axe.min.js").read_text()


def axe_violations(page: Any) -> list[str]:
    """Every WCAG 2.1 A/AA violation on the page as it is now (open shadow roots included), one line
    each: rule id, then the elements it found."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => JSON.stringify(n.target)).join(' ')))",
        WCAG_21_AA,
    )
    return list(found)

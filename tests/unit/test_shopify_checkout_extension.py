"""The Checkout UI extension (connectors/shopify/checkout-extension/): its logic passes its own
`node --test` suite, it bundles as `shopify app build` bundles it (esbuild from the pinned npm
packages, installed with `npm ci` from the committed lock file), and its configuration names the two
targets, existing modules and network access. node and npm are on the machine image; under CI or
REQUIRE_BROWSER=1 a missing one fails, never skips."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "connectors" / "shopify"  # the Shopify CLI's app folder
EXTENSION = APP / "checkout-extension"
LOGIC = EXTENSION / "src" / "loyalty-answer.js"
# What `shopify app build` (@shopify/cli 3.94.3, its bundleExtension) hands esbuild for a ui_extension:
# the toml's modules behind a generated entry, bundled and minified for es6, JSX automatic (the import
# source comes from the extension's tsconfig.json), no format given (esbuild's iife), production env.
CLI_ESBUILD_OPTIONS = [
    "--bundle",
    "--loader=tsx",  # the generated entry (stdin)
    "--jsx=automatic",
    "--loader:.js=jsx",
    "--loader:.esnext=ts",
    "--legal-comments=none",
    "--minify",
    "--target=es6",
    '--define:process.env.NODE_ENV="production"',
    "--resolve-extensions=.tsx,.ts,.js,.json,.esnext,.mjs,.ejs",
    "--log-level=warning",
]


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{name} is missing: the Checkout UI extension's tests cannot run")
        pytest.skip(f"{name} is not installed")
    return found


def node() -> str:
    return tool("node")


def installed_packages() -> Path:
    """`npm ci` (the lock file's exact versions, from the registry) into the app folder's git-ignored
    node_modules, again only when package-lock.json changed since the last install."""
    lock = hashlib.sha256((APP / "package-lock.json").read_bytes()).hexdigest()
    stamp = APP / "node_modules" / ".setia-lock-sha256"
    if not stamp.is_file() or stamp.read_text() != lock:
        done = subprocess.run(  # noqa: S603 (npm from PATH, our own lock file)
            [tool("npm"), "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=APP,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
        stamp.write_text(lock)
    return APP / "node_modules"


def cli_entry() -> str:
    """The entry the CLI generates for an API version from 2025-10 on: each target's module's default
    export registered with shopify.extend."""
    config = tomllib.loads((EXTENSION / "shopify.extension.toml").read_text())
    [extension] = config["extensions"]
    lines = []
    for number, entry in enumerate(extension["targeting"]):
        lines.append(f"import Target_{number} from '{entry['module']}'")
        lines.append(f"shopify.extend('{entry['target']}', (...args) => Target_{number}(...args))")
    return "\n".join(lines) + "\n"


CHECKOUT_LOGIC = EXTENSION / "src" / "checkout-points.js"


def test_the_extension_logic_passes_its_node_test_suite() -> None:
    done = subprocess.run(  # noqa: S603 (our own test files)
        [
            node(),
            "--test",
            str(LOGIC.with_name("loyalty-answer.test.js")),
            str(CHECKOUT_LOGIC.with_name("checkout-points.test.js")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    passed = re.search(r"^# pass (\d+)$", done.stdout, re.M)
    assert passed and int(passed.group(1)) >= 22, done.stdout[-2000:]
    assert re.search(r"^# fail 0$", done.stdout, re.M)


def test_the_extension_renders_on_the_thank_you_and_order_status_pages_and_in_the_checkout() -> None:
    config = tomllib.loads((EXTENSION / "shopify.extension.toml").read_text())
    [extension] = config["extensions"]
    assert extension["type"] == "ui_extension"
    targets = {entry["target"]: entry["module"] for entry in extension["targeting"]}
    assert set(targets) == {
        "purchase.thank-you.block.render",
        "customer-account.order-status.block.render",
        "purchase.checkout.block.render",  # the order summary (Shopify Plus)
        "purchase.checkout.reductions.render-after",  # beside the discount field (Shopify Plus)
    }
    for module in targets.values():
        assert (EXTENSION / module).is_file(), module
    assert extension["capabilities"]["network_access"] is True


def test_the_merchant_sees_the_extensions_name_in_english_or_indonesian() -> None:
    """The checkout editor names the block in the admin's language: the toml's "t:name", resolved from
    the locales the Shopify CLI sends on deploy (its loadLocalesConfig: exactly one *.default.json,
    no empty file, 20 KB at most each)."""
    [extension] = tomllib.loads((EXTENSION / "shopify.extension.toml").read_text())["extensions"]
    assert extension["name"] == "t:name"
    locales = sorted(path.name for path in (EXTENSION / "locales").glob("*.json"))
    assert locales == ["en.default.json", "id.json"]
    names = {}
    for name in locales:
        path = EXTENSION / "locales" / name
        assert 0 < path.stat().st_size <= 20 * 1024
        names[name] = json.loads(path.read_text())["name"]
    assert names == {"en.default.json": "Setia points for this order", "id.json": "Poin Setia untuk pesanan ini"}


def test_the_logic_module_imports_nothing_and_the_blocks_use_it() -> None:
    assert not re.search(r"^\s*import\b", LOGIC.read_text(), re.M)  # pure: runs under node as is
    block = (EXTENSION / "src" / "OrderPoints.jsx").read_text()
    assert "from './loyalty-answer.js'" in block and "shopify.sessionToken.get()" in block
    assert "/checkout/shopify/orders/" in LOGIC.read_text()
    assert not re.search(r"^\s*import\b", CHECKOUT_LOGIC.read_text(), re.M)
    checkout = (EXTENSION / "src" / "CheckoutPoints.jsx").read_text()
    assert "from './checkout-points.js'" in checkout and "shopify.sessionToken.get()" in checkout
    # The code is applied with the checkout's own discount-code API, not typed in by the buyer.
    assert "shopify.applyDiscountCodeChange({type: 'addDiscountCode', code})" in checkout
    assert "shopify.cost.subtotalAmount.value" in checkout


def test_the_extension_bundles_as_shopify_app_build_bundles_it(tmp_path: Path) -> None:
    """The CLI's esbuild run over the committed source: any error or warning fails (before the fix the
    JSX asked for react/jsx-runtime, which nothing provides)."""
    esbuild = installed_packages() / ".bin" / "esbuild"
    bundle = tmp_path / "setia-order-points.js"
    done = subprocess.run(  # noqa: S603 (the pinned esbuild over our own source)
        [node(), str(esbuild), *CLI_ESBUILD_OPTIONS, f"--outfile={bundle}"],
        input=cli_entry(),
        cwd=EXTENSION,  # stdin's imports resolve from here, as the CLI's resolveDir
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "[WARNING]" not in done.stderr and "[ERROR]" not in done.stderr, done.stderr[-4000:]
    code = bundle.read_text()
    assert 'shopify.extend("purchase.thank-you.block.render"' in code
    assert 'shopify.extend("customer-account.order-status.block.render"' in code
    assert 'shopify.extend("purchase.checkout.block.render"' in code
    assert 'shopify.extend("purchase.checkout.reductions.render-after"' in code
    assert "/checkout/shopify/orders/" in code and "s-banner" in code
    assert "/checkout/shopify" in code and '"addDiscountCode"' in code and "s-select" in code
    assert 'Symbol.for("preact-signals")' in code  # @shopify/ui-extensions/preact and its signals are inside
    assert "react/jsx-runtime" not in code
    assert not re.search(r"^\s*(import|export)\b", code, re.M)  # one self-contained script
    assert len(code.encode()) < 64 * 1024, len(code.encode())  # Shopify's limit for a UI extension


def test_the_app_folder_is_what_the_shopify_cli_builds_from() -> None:
    """`shopify app build` needs a package.json beside shopify.app.toml (else "ENOENT: unknown
    install") with a lock file naming npm; the extension is a workspace, so the CLI installs nothing;
    every version is exact; the JSX import source is Preact; the API version matches the package."""
    app = json.loads((APP / "package.json").read_text())
    assert app["workspaces"] == ["checkout-extension"]
    lock = json.loads((APP / "package-lock.json").read_text())
    assert lock["packages"][""]["workspaces"] == ["checkout-extension"]
    extension = json.loads((EXTENSION / "package.json").read_text())
    for manifest in (app, extension):
        for name, version in {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}.items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
            installed = lock["packages"][f"node_modules/{name}"]["version"]
            assert installed == version, (name, installed)
    tsconfig = json.loads((EXTENSION / "tsconfig.json").read_text())["compilerOptions"]
    assert (tsconfig["jsx"], tsconfig["jsxImportSource"]) == ("react-jsx", "preact")
    api_version = tomllib.loads((EXTENSION / "shopify.extension.toml").read_text())["api_version"]
    year, month = api_version.split("-")
    assert extension["dependencies"]["@shopify/ui-extensions"].startswith(f"{year}.{int(month)}.")

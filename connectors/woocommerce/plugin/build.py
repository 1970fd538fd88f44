"""Builds dist/setia-loyalty.zip (the WordPress plugin, ready for Plugins → Add New → Upload) from
connectors/woocommerce/plugin/setia-loyalty/. Python's zipfile, since `zip` is not always installed."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

PLUGIN = Path(__file__).resolve().parent / "setia-loyalty"
SKIP = {".DS_Store", "__pycache__"}


def build(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(PLUGIN.rglob("*")):
            if path.is_file() and not SKIP.intersection(path.parts):
                # WordPress expects one top folder named like the plugin.
                archive.write(path, Path(PLUGIN.name) / path.relative_to(PLUGIN))
    return target


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("dist") / "setia-loyalty.zip"
    print(build(out))

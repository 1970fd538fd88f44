"""Small pieces: no Python module of the app or the connectors is over 300 lines (a module holds one idea)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 300


def test_no_app_module_is_over_300_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("integrator", "connectors")
        for path in (ROOT / folder).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}

"""docs/security.md names, for each threat, the tests that cover it: every test it names exists, so a
renamed or deleted test cannot leave a row pointing at nothing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
CITED = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test")}


def rows(section: str) -> list[str]:
    """The table rows (not the header or its rule) of the doc's section with this heading."""
    text = DOC.read_text(encoding="utf-8").split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| threat ")]


def test_every_test_the_security_doc_cites_exists() -> None:
    cited = CITED.findall(DOC.read_text(encoding="utf-8"))
    assert len(cited) >= 40
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not (ROOT / path).is_file() or name not in defined_tests(ROOT / path)
    ]
    assert missing == []


def test_every_row_names_a_threat_a_defence_and_a_test() -> None:
    sections = ["Platforms calling Setia", "Merchants signing in", "Shoppers", "Data"]
    for line in [row for section in sections for row in rows(section)] + rows("Hardening (issue 11)"):
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        if set("".join(cells)) <= set("- "):
            continue  # the table's rule
        assert len(cells) == 3 and all(cells), line
        assert CITED.search(cells[2]), line

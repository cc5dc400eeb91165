"""No project module over 300 lines without a reason in its docstring.

A module that long usually holds more than one idea; a newcomer should find a rule by the name
of a small module. Where one idea really needs the length (one cohesive simulation, say), the
module's docstring says so in a sentence starting "Longer than 300 lines because", so the
exception is stated where the reader meets it.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("c360", "identity", "clv", "ingestion", "dagster_project", "dashboards", "bench")
LIMIT = 300
REASON = f"Longer than {LIMIT} lines because"


def _modules(root: Path = REPO) -> list[Path]:
    return [path for package in PACKAGES for path in sorted((root / package).rglob("*.py"))]


def _breaks_the_rule(path: Path, root: Path = REPO) -> str | None:
    """Why `path` breaks the rule, or None: over the limit with no reason in its docstring."""
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    if lines <= LIMIT:
        return None
    docstring = " ".join((ast.get_docstring(ast.parse(text)) or "").split())
    if REASON in docstring:
        return None
    return f"{path.relative_to(root).as_posix()}: {lines} lines and no '{REASON} ...' sentence"


def test_no_module_is_over_300_lines_without_saying_why():
    assert [broken for path in _modules() if (broken := _breaks_the_rule(path))] == []


def test_the_rule_names_a_long_module_and_its_line_count_unless_it_says_why(tmp_path: Path):
    module = tmp_path / "ingestion" / "long.py"
    module.parent.mkdir()
    body = "\n".join(f"x{i} = {i}" for i in range(LIMIT))
    module.write_text(f'"""Many constants."""\n{body}\n', encoding="utf-8")
    assert _breaks_the_rule(module, tmp_path) == (
        f"ingestion/long.py: {LIMIT + 1} lines and no '{REASON} ...' sentence"
    )
    module.write_text(
        f'"""Many constants.\n\nLonger than {LIMIT} lines\nbecause each is one."""\n{body}\n',
        encoding="utf-8",
    )
    assert _breaks_the_rule(module, tmp_path) is None
    module.write_text("\n".join(body.splitlines()[:LIMIT]) + "\n", encoding="utf-8")
    assert _breaks_the_rule(module, tmp_path) is None

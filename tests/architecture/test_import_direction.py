"""Imports run one way: the layers of docs/architecture.md, checked on every module's imports.

Every `import` and `from ... import` is read from the source (those inside functions too: a
lazy import is still a dependency), so a change that imports against the allowed direction fails
here, naming the file, the line and the rule it breaks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# package -> the project packages it may import (itself always allowed)
ALLOWED: dict[str, set[str]] = {
    "c360": set(),  # the kernel: settings, serving, publishing, lock, fault points, query, status
    "ingestion": set(),  # paths and hooks are arguments
    "identity": {"c360"},
    "clv": {"c360"},
    "dagster_project": {"c360", "ingestion", "identity", "clv"},
    "dashboards": {"c360"},
}
# The composition roots: at the top, they may import anything, and nothing imports them.
ROOTS = {"c360.cli", "bench"}
PROJECT = {*ALLOWED, "bench"}
# Domain libraries are used through their package's public names only.
ONE_ENTRY_POINT = {"identity", "clv"}
DBT_PYTHON_MODELS_MAY_IMPORT = {"identity", "clv", "c360"}


def _modules() -> list[tuple[Path, str]]:
    found = []
    for package in sorted(PROJECT):
        for path in sorted((REPO / package).rglob("*.py")):
            dotted = ".".join(path.relative_to(REPO).with_suffix("").parts)
            found.append((path, dotted.removesuffix(".__init__")))
    return found


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module))
    return [(line, name) for line, name in names if name.split(".")[0] in PROJECT]


def _is_root(module: str) -> bool:
    return any(module == root or module.startswith(root + ".") for root in ROOTS)


def _violations(path: Path, module: str, root: Path = REPO) -> list[str]:
    package = module.split(".")[0]
    where = path.relative_to(root)
    found = []
    for line, imported in _imports(path):
        target = imported.split(".")[0]
        if _is_root(imported) and not _is_root(module):
            found.append(f"{where}:{line} imports {imported}, a composition root")
        elif _is_root(module) or target == package:
            continue
        elif target not in ALLOWED[package]:
            found.append(f"{where}:{line}: {package} may not import {target} ({imported})")
        elif target in ONE_ENTRY_POINT and imported != target:
            found.append(f"{where}:{line} imports {imported}: use `{target}`'s public names")
    return found


@pytest.mark.parametrize(("path", "module"), _modules(), ids=[module for _, module in _modules()])
def test_module_imports_only_what_its_layer_allows(path: Path, module: str):
    assert _violations(path, module) == []


def test_dbt_python_models_use_the_domain_libraries_public_names():
    found = []
    for path in sorted((REPO / "dbt" / "models").rglob("*.py")):
        for line, imported in _imports(path):
            if imported not in DBT_PYTHON_MODELS_MAY_IMPORT:
                found.append(f"{path.relative_to(REPO)}:{line} imports {imported}")
    assert found == []


def test_the_rule_catches_an_import_against_the_direction(tmp_path: Path):
    wrong = REPO / "c360" / "settings.py"
    module = tmp_path / "c360" / "settings.py"
    module.parent.mkdir()
    lazy_import = "\n\ndef f():\n    import dashboards.data\n"
    module.write_text(wrong.read_text(encoding="utf-8") + lazy_import)
    line = len(module.read_text(encoding="utf-8").splitlines())
    assert _violations(module, "c360.settings", tmp_path) == [
        f"c360/settings.py:{line}: c360 may not import dashboards (dashboards.data)"
    ]
    assert _violations(module, "c360.cli", tmp_path) == []  # a composition root may

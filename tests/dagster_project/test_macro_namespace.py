"""The macro namespace laid out once is the one dbt's own builder makes, name for name.

On the project's own macros (its manifest: dbt's, dbt-duckdb's and c360's), for a node of the
project and for a macro of dbt's own package, and on made-up packages where names shadow one
another (the root package over dbt's, an adapter over dbt's, two other packages with the same
name). Every name a context can look up, and each of the four dictionaries dbt's dispatch reads,
must lead to the same macro, each through a generator bound to the same context, node and stack.
"""

import json
from types import SimpleNamespace

import pytest
from dbt.adapters.factory import FACTORY, get_adapter_package_names
from dbt.clients.jinja import MacroGenerator, MacroStack
from dbt.context.macros import MacroNamespaceBuilder
from dbt.exceptions import DuplicateMacroNameError

from c360.settings import REPO_ROOT
from dagster_project.defs.dbt_assets import project_manifest
from dagster_project.macro_namespace import _dbt_build_namespace, build_namespace_from_layout


def macro(package: str, name: str) -> SimpleNamespace:
    """What the builder reads of a macro: its package and name (and dbt's error, its path)."""
    return SimpleNamespace(
        package_name=package,
        name=name,
        unique_id=f"macro.{package}.{name}",
        original_file_path=f"macros/{name}.sql",
    )


def by_package(macros: list[SimpleNamespace]) -> dict[str, dict[str, SimpleNamespace]]:
    """The manifest's `get_macros_by_package()`: package, then name."""
    mapping: dict[str, dict[str, SimpleNamespace]] = {}
    for item in macros:
        mapping.setdefault(item.package_name, {})[item.name] = item
    return mapping


@pytest.fixture(scope="module")
def project_macros() -> dict[str, dict[str, SimpleNamespace]]:
    manifest = json.loads(project_manifest(REPO_ROOT / "dbt").read_text(encoding="utf-8"))
    return by_package([macro(m["package_name"], m["name"]) for m in manifest["macros"].values()])


def what_it_names(value: object) -> object:
    """A generator as its macro's id; a namespace of them, name by name."""
    if isinstance(value, MacroGenerator):
        return value.macro.unique_id
    return {name: what_it_names(item) for name, item in value.items()}


def both(macros: dict, root: str, search: str, internal: list[str]) -> tuple:
    """dbt's namespace and the laid-out one, built for the same context, node and stack."""
    context, node, stack = {"context": "of one node"}, SimpleNamespace(name="a node"), MacroStack()
    built = []
    for build in (_dbt_build_namespace, build_namespace_from_layout):
        builder = MacroNamespaceBuilder(root, search, stack, internal, node)
        built.append(build(builder, macros, context))
    return (*built, context, node, stack)


def assert_same(theirs, ours, context, node, stack) -> None:
    assert sorted(ours) == sorted(theirs)
    assert len(ours) == len(theirs)
    assert what_it_names(ours) == what_it_names(theirs)  # every name a context looks up
    for part in ("global_namespace", "local_namespace", "packages", "global_project_namespace"):
        assert what_it_names(getattr(ours, part)) == what_it_names(getattr(theirs, part)), part
    generators = [g for g in ours.values() if isinstance(g, MacroGenerator)]
    assert generators
    for generator in generators:
        assert generator.context is context and generator.node is node and generator.stack is stack
        assert type(generator) is MacroGenerator
    # One generator per macro, shared where dbt shares it (a package's and the locals').
    for name, generator in ours.local_namespace.items():
        assert ours.packages[generator.macro.package_name][name] is generator


@pytest.mark.parametrize("search", ["c360", "dbt"])
def test_the_projects_macros_are_laid_out_as_dbt_lays_them_out(project_macros, search):
    FACTORY.load_plugin("duckdb")
    internal = get_adapter_package_names("duckdb")
    assert internal[-1] == "dbt" and "dbt_duckdb" in internal
    theirs, ours, *bound = both(project_macros, "c360", search, internal)
    assert_same(theirs, ours, *bound)
    assert ours["get_columns_in_relation"].macro.package_name == "dbt"
    assert len(ours) > 500


def test_shadowed_names_resolve_as_dbts(project_macros):
    """The root package over dbt's, the node's package over the root, an adapter over dbt."""
    made = [
        macro("dbt", "current_timestamp"),
        macro("dbt", "cast"),
        macro("dbt_duckdb", "cast"),
        macro("c360", "current_timestamp"),
        macro("c360", "cents"),
        macro("utils", "cents"),
        macro("utils", "surrogate_key"),
        macro("other", "surrogate_key"),
    ]
    for search in ("c360", "utils", "other", "dbt_duckdb"):
        theirs, ours, *bound = both(by_package(made), "c360", search, ["dbt_duckdb", "dbt"])
        assert_same(theirs, ours, *bound)
    theirs, ours, *bound = both(by_package(made), "c360", "utils", ["dbt_duckdb", "dbt"])
    assert (ours["cents"].macro.package_name, ours["cast"].macro.package_name) == (
        "utils",
        "dbt_duckdb",
    )
    assert ours["dbt"]["current_timestamp"].macro.package_name == "dbt"


def test_a_package_naming_two_macros_alike_gets_dbts_error():
    twice = {"utils": {"a": macro("utils", "cents"), "b": macro("utils", "cents")}}
    for build in (_dbt_build_namespace, build_namespace_from_layout):
        builder = MacroNamespaceBuilder("c360", "c360", MacroStack(), ["dbt"], None)
        with pytest.raises(DuplicateMacroNameError):
            build(builder, twice, {})


def test_a_macro_added_or_replaced_while_dbt_parses_is_in_the_next_namespace():
    """dbt's `Manifest.add_macro` changes the same mapping in place; no layout outlives it."""
    macros = by_package([macro("c360", "cents"), macro("dbt", "cast")])
    _, first, *_ = both(macros, "c360", "c360", ["dbt"])
    added, replaced = macro("c360", "margin"), macro("dbt", "cast")
    macros["c360"]["margin"] = added
    macros["dbt"]["cast"] = replaced
    theirs, ours, *bound = both(macros, "c360", "c360", ["dbt"])
    assert_same(theirs, ours, *bound)
    assert ours["margin"].macro is added and ours["cast"].macro is replaced
    assert first["cast"].macro is not replaced

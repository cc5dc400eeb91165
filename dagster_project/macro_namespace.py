"""dbt's macro namespace for a node, laid out once per package instead of once per node.

Every context dbt makes (each node's, and each adapter call's: a drop, a rename, a column
listing) gets a namespace of every macro of the project and its adapters, 576 here: a
`MacroGenerator` per macro, bound to that context, sorted into the root package's, the
node's package's, each package's and the adapters' namespaces. dbt sorts each macro again for
every context, checking for duplicate names each time, and the context then copies the
namespace into its dictionary by walking the search order once per name. Together that was a
fifth of the samples of dbt's worker threads in a build of the 60-customer test company
(docs/benchmarks.md, "…nor a macro namespace sorted per context").

Where each macro goes depends only on the manifest's macros, the root package, the node's
package and the adapters' package order, so `build_namespace_from_layout` computes that
layout once (and again when the macros are not the same objects: dbt adds and replaces them
while it parses) and then only makes the generators and fills the same dictionaries. The namespace
it returns is dbt's own `MacroNamespace`, with the same four dictionaries (which dbt's
`get_from_package` and dispatch read), and with its names flattened once in search order for
iteration and lookup, which give what dbt's walk gives. A manifest whose packages hold a
duplicate name goes to dbt's own builder, which raises dbt's error.

It patches a private dbt-core class (`MacroNamespaceBuilder`), so it is tied to the dbt-core
range the project pins; `tests/dagster_project/test_macro_namespace.py` compares the two
builders on the project's manifest and on made-up packages, and fails when the class moves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dbt.clients.jinja import MacroGenerator
from dbt.context.macros import MacroNamespace, MacroNamespaceBuilder

_dbt_build_namespace = MacroNamespaceBuilder.build_namespace


class FlatMacroNamespace(MacroNamespace):
    """dbt's `MacroNamespace`, its names resolved once: iteration and lookup read one dict."""

    def __init__(self, *namespaces: Any) -> None:
        super().__init__(*namespaces)
        flat: dict[str, Any] = {}
        for namespace in reversed(list(self._search_order())):  # the first in order wins
            flat.update(namespace)
        self.flat = flat

    def __iter__(self) -> Iterator[str]:
        return iter(self.flat)

    def __len__(self) -> int:
        return len(self.flat)

    def __getitem__(self, key: str) -> Any:
        return self.flat[key]

    def __contains__(self, key: object) -> bool:
        return key in self.flat


@dataclass(frozen=True)
class Layout:
    """Where each macro goes, by its index in `macros`: what dbt's builder works out per node."""

    macros: tuple[Any, ...]
    internal_packages: dict[str, tuple[tuple[str, int], ...]]
    packages: dict[str, tuple[tuple[str, int], ...]]
    local_names: tuple[tuple[str, int], ...]
    global_names: tuple[tuple[str, int], ...]
    global_project_names: tuple[tuple[str, int], ...]


def macro_layout(builder: MacroNamespaceBuilder, macros: list[Any]) -> Layout | None:
    """The layout dbt's `build_namespace` makes; None when a package repeats a macro's name.

    `macros` are in the manifest's order, package by package.
    """
    internal: dict[str, dict[str, int]] = {}
    packages: dict[str, dict[str, int]] = {}
    local_names: dict[str, int] = {}
    global_names: dict[str, int] = {}
    for index, macro in enumerate(macros):
        is_internal = macro.package_name in builder.internal_package_names
        hierarchy = internal if is_internal else packages
        names = hierarchy.setdefault(macro.package_name, {})
        if macro.name in names:
            return None
        names[macro.name] = index
        if is_internal:
            continue
        if macro.package_name == builder.search_package:
            local_names[macro.name] = index
        elif macro.package_name == builder.root_package:
            global_names[macro.name] = index
    global_project: dict[str, int] = {}
    for package in reversed(builder.internal_package_names_order):
        global_project.update(internal.get(package, {}))
    return Layout(
        macros=tuple(macros),
        internal_packages={p: tuple(names.items()) for p, names in internal.items()},
        packages={p: tuple(names.items()) for p, names in packages.items()},
        local_names=tuple(local_names.items()),
        global_names=tuple(global_names.items()),
        global_project_names=tuple(global_project.items()),
    )


_layouts: dict[tuple, tuple[tuple[int, ...], Layout | None]] = {}


def _layout_for(builder: MacroNamespaceBuilder, macros_by_package: dict) -> Layout | None:
    """The layout for these macros, worked out again whenever they are not the same objects.

    dbt adds and replaces macros in the same mapping while it parses (`Manifest.add_macro`).
    A layout holds its macros, so no id it was kept under can belong to a new object.
    """
    macros = [macro for package in macros_by_package.values() for macro in package.values()]
    identities = tuple(map(id, macros))
    key = (
        builder.root_package,
        builder.search_package,
        tuple(builder.internal_package_names_order),
    )
    kept = _layouts.get(key)
    if kept is None or kept[0] != identities:
        kept = _layouts[key] = (identities, macro_layout(builder, macros))
    return kept[1]


def build_namespace_from_layout(
    self: MacroNamespaceBuilder, macros_by_package: dict, ctx: dict
) -> MacroNamespace:
    """The namespace dbt's `build_namespace` makes, each macro placed where the layout says."""
    layout = _layout_for(self, macros_by_package)
    if layout is None:
        return _dbt_build_namespace(self, macros_by_package, ctx)
    node, stack = self.node, self.thread_ctx
    made = [MacroGenerator(macro, ctx, node, stack) for macro in layout.macros]

    def named(places: tuple[tuple[str, int], ...]) -> dict[str, Any]:
        return {name: made[index] for name, index in places}

    self.internal_packages = {p: named(n) for p, n in layout.internal_packages.items()}
    self.packages = {p: named(n) for p, n in layout.packages.items()}
    self.locals = named(layout.local_names)
    self.globals = named(layout.global_names)
    return FlatMacroNamespace(
        self.globals, self.locals, named(layout.global_project_names), self.packages
    )


def lay_out_macros_once() -> None:
    """Put `build_namespace_from_layout` in place of dbt's, for dbt run in this process."""
    MacroNamespaceBuilder.build_namespace = build_namespace_from_layout  # type: ignore[method-assign]

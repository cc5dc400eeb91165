"""dbt's command line (`c360-dbt`): only kept log lines built, partial parse across data roots.

Log lines. dbt hands every event it fires to each of its loggers (the JSON stream on standard
output that dagster-dbt reads, and the log file), and each logger formats the event into its
line (a JSON document with the environment's secrets scrubbed) before Python's logging looks at
the line's level and drops it. A build fires debug events for every SQL statement and connection
step, and a refresh logs at info: at 333 nodes, tens of thousands of lines were built to be
thrown away. Measured on the 60-customer test company, the refresh's `dbt build` of every node,
alternating with plain `dbt` (two runs each after a warm-up): 37.9 against 43.4 CPU s and 33.9
against 39.5 s wall (docs/benchmarks.md).

The lines that are written are the same, in the same order, and so is every other behaviour:
`write_line_if_kept` asks the logger's own level first, as Python's logging would have, and
hands everything else to dbt's `write_line` unchanged. Print events (`dbt ls` output, which dbt
sends at error level so that `--quiet` keeps them) always go through.

Event messages. Before any logger looks at it, dbt fills each event's protobuf message from its
arguments, then a second message wrapping it (`ParseDict`, pure Python): 14 % of the time a build
held the interpreter. `build_only_kept_events` fills an event's message when something reads it
and does not fire a debug event that every logger's level drops, when the only callback is dbt's
own (it reads behaviour-change warnings, never debug events). Measured the same way, four runs
of each in turn after a warm-up: 0.86 of the CPU and of the wall time with it (18.4 against
21.3 CPU s, medians); the JSON lines on standard output and in the log file were the same
events with the same data (`dbt build` of every node, compared without times and order).

Partial parse. dbt reparses the whole project (7.7 s of a refresh of the test company; 14 s on
a loaded machine) whenever a hash of the profile's rendered connection values changes, because
a project could read them (`target.path`) while parsing. The profile holds the data root's paths
(the build and public files, the spill folder), so every data root that is copied or moved (a
test's copy of a built company, a restored backup) parsed everything again on its first
refresh. `state_check_without_data_root` hashes the same values with each absolute path that an
environment variable gave the profile written as that variable's name: the hash still changes
with the profile itself and with every other value, not with where the data root lives. That
holds because the project reads no connection value but the target's type, name, schema and
database (`test_dbt_launcher.py` checks it). The project's own files render the same in every
data root too: the sources name the raw folder relative to it (Settings.dbt_env). Measured on a
copy of the built test company: `c360-dbt parse` took 1.5 s of loading, against 14.7 s for the
full parse plain dbt made there (`perf_info.json`'s `load_all_elapsed`).

Work repeated. Jinja templates compiled by an earlier process are read back
(compiled_templates.py), macros are laid out once per package (macro_namespace.py), and the
loaded manifest is frozen out of Python's garbage collections (`gc.freeze`), which otherwise
walked all of it again in each full collection.

They patch private dbt methods (dbt-common's `_Logger.write_line`, `BaseEvent.__init__` and
`EventManager.fire_event`, dbt-core's `ManifestLoader.build_manifest_state_check` and
`get_full_manifest`, `MacroNamespaceBuilder.build_namespace`), so they are tied to the dbt-core
range the project pins (below 1.12); `test_dbt_launcher.py` and `test_macro_namespace.py` fail
when a method or its contract moves.
"""

import atexit
import functools
import gc
import logging
import os
import pprint
import sys
from typing import Any

from dbt.contracts.files import FileHash
from dbt.contracts.graph.manifest import ManifestStateCheck
from dbt.parser.manifest import ManifestLoader
from dbt.tracking import track_behavior_change_warn
from dbt_common.clients import agate_helper
from dbt_common.events.base_types import BaseEvent, EventLevel, EventMsg
from dbt_common.events.event_manager import EventManager
from dbt_common.events.logger import _is_print_event, _Logger

from c360.settings import Settings
from dagster_project.compiled_templates import project_templates_folder, reuse_compiled_templates
from dagster_project.macro_namespace import lay_out_macros_once

# dbt's level names as its `send_to_logger` maps them onto Python's logging.
PYTHON_LEVELS = {
    "test": logging.DEBUG,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
}

_dbt_write_line = _Logger.write_line


def write_line_if_kept(self: _Logger, msg: EventMsg) -> None:
    """The logger's `write_line`, skipped when the logger would drop the line for its level."""
    logger = self._python_logger
    dropped = logger is not None and not logger.isEnabledFor(
        PYTHON_LEVELS.get(msg.info.level, logging.ERROR)
    )
    if not dropped or _is_print_event(msg):
        _dbt_write_line(self, msg)


def build_only_kept_lines() -> None:
    """Put `write_line_if_kept` in place of dbt's `write_line`, for dbt run in this process."""
    _Logger.write_line = write_line_if_kept  # type: ignore[method-assign]


QUIET_LEVELS = frozenset({EventLevel.DEBUG, EventLevel.TEST})
"""Levels no warning handling or `--warn-error` looks at: a dropped event of these has no effect."""

_dbt_fire_event = EventManager.fire_event
_dbt_event_init = BaseEvent.__init__


def _kept_by(logger: _Logger, level: EventLevel) -> bool:
    python_logger = logger._python_logger
    return python_logger is None or python_logger.isEnabledFor(
        PYTHON_LEVELS.get(level.value, logging.ERROR)
    )


def fire_event_if_kept(
    self: EventManager,
    e: BaseEvent,
    level: EventLevel | None = None,
    node: Any = None,
    force_warn_or_error_handling: bool = False,
) -> None:
    """The event manager's `fire_event`, skipped for a debug event nothing would use.

    dbt turns every event into its message (a protobuf filled from a dictionary) before any
    logger looks at the level. Skipped only when each logger's level drops the event and the only
    callback is dbt's own, which reads behaviour-change warnings alone.
    """
    effective = level or e.level_tag()
    if (
        effective in QUIET_LEVELS
        and not force_warn_or_error_handling
        and all(callback is track_behavior_change_warn for callback in self.callbacks)
        and not any(_kept_by(logger, effective) for logger in self.loggers)
    ):
        return
    _dbt_fire_event(self, e, level, node, force_warn_or_error_handling)


def _event_data(event: BaseEvent) -> Any:
    """The event's protobuf message, filled from its arguments the first time it is read."""
    data = event.__dict__.get("_c360_data")
    if data is None:
        args, kwargs = event.__dict__.pop("_c360_arguments")
        _dbt_event_init(event, *args, **kwargs)  # sets `pb_msg`, which lands in `_c360_data`
        data = event.__dict__["_c360_data"]
    return data


def _set_event_data(event: BaseEvent, data: Any) -> None:
    event.__dict__["_c360_data"] = data


def _keep_event_arguments(event: BaseEvent, *args: Any, **kwargs: Any) -> None:
    event.__dict__["_c360_arguments"] = (args, kwargs)


def build_only_kept_events() -> None:
    """Fill an event's message only when it is read, and fire only events something keeps.

    Together with `build_only_kept_lines`: a dropped debug event then costs its construction
    and nothing more, where dbt filled its protobuf message twice (the event's own data, then
    the message wrapping it). An event that is fired is filled when `fire_event` reads it,
    with the same arguments, so every line and callback gets what dbt would have given it.
    """
    BaseEvent.__init__ = _keep_event_arguments  # type: ignore[method-assign]
    BaseEvent.pb_msg = property(_event_data, _set_event_data)  # type: ignore[attr-defined]
    EventManager.fire_event = fire_event_if_kept  # type: ignore[method-assign]


_dbt_type_tester = agate_helper.build_type_tester


@functools.lru_cache(maxsize=256)
def _type_tester(text_columns: tuple[str, ...], string_null_values: Any) -> Any:
    return _dbt_type_tester(text_columns, string_null_values=string_null_values)


def type_tester_once(text_columns: Any, string_null_values: Any = ("null", "")) -> Any:
    """The type tester dbt builds for these text columns, built once and then shared.

    dbt builds a new one for every result it reads (each test's count, each column listing),
    and each builds agate's date types, whose parsedatetime set-up is costly: 4 % of the time a
    build held the interpreter. dbt already shares its default tester across results, and a
    tester holds no state of a run (`agate.TypeTester.run` only reads it).
    """
    nulls = None if string_null_values is None else tuple(string_null_values)
    return _type_tester(tuple(sorted(text_columns)), nulls)


def build_type_testers_once() -> None:
    """Put `type_tester_once` in place of dbt's `build_type_tester`, for dbt run in this process."""
    agate_helper.build_type_tester = type_tester_once


def skip_unread_work() -> None:
    """The patches that spare dbt work nothing reads: lines, event messages, type testers."""
    build_only_kept_lines()
    build_only_kept_events()
    build_type_testers_once()


_dbt_state_check = ManifestLoader.build_manifest_state_check


def _named(value: Any, paths: dict[str, str]) -> Any:
    """`value` with each of `paths` (longest first) written as its variable's name, at any depth."""
    if isinstance(value, dict):
        return {key: _named(item, paths) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_named(item, paths) for item in value)
    if isinstance(value, str):
        for path in sorted(paths, key=len, reverse=True):  # a folder after the files inside it
            value = value.replace(path, "{{ env_var('" + paths[path] + "') }}")
    return value


def profile_text_without_data_root(loader: ManifestLoader) -> str:
    """The profile's connection values as dbt hashes them, with each variable's path as its name.

    The paths are replaced before the values are printed: `pprint` wraps a line by its length.
    """
    config = loader.root_project
    paths = {
        value: name
        for name, value in config.profile_env_vars.items()
        if isinstance(value, str) and os.path.isabs(value) and value != os.sep
    }
    return pprint.pformat(sorted(_named(list(config.credentials.connection_info()), paths)))


def state_check_without_data_root(loader: ManifestLoader) -> ManifestStateCheck:
    """The partial-parse state check dbt makes, its profile hash without the data root's paths."""
    state = _dbt_state_check(loader)
    state.profile_hash = FileHash.from_contents(profile_text_without_data_root(loader))
    return state


def keep_partial_parse_across_data_roots() -> None:
    """Put `state_check_without_data_root` in place of dbt's, for dbt run in this process."""
    loader: type = ManifestLoader
    loader.build_manifest_state_check = state_check_without_data_root


def reuse_project_templates() -> None:
    """Jinja's compiled templates kept in the project's target folder (compiled_templates.py)."""
    reuse_compiled_templates(project_templates_folder(Settings.from_env().dbt_project_dir))


_dbt_full_manifest = ManifestLoader.get_full_manifest.__func__  # type: ignore[attr-defined]


def full_manifest_kept_out_of_collections(cls: type, *args: Any, **kwargs: Any) -> Any:
    """The manifest dbt loads, then every object alive moved out of the cyclic collections.

    A build makes a context with a namespace of every macro for each node, and each holds
    reference cycles, so Python's collector runs often; each full collection walked the whole
    manifest again (11 of them took 1.9 s of a 23 CPU s build of the test company, measured
    with `gc.callbacks`). The manifest lives as long as the process, so it is collected once
    and frozen (`gc.freeze`): later collections walk only what the nodes make.
    """
    manifest = _dbt_full_manifest(cls, *args, **kwargs)
    gc.collect()
    gc.freeze()
    return manifest


def keep_the_manifest_out_of_collections() -> None:
    """Put `full_manifest_kept_out_of_collections` in place of dbt's, in this process.

    What it freezes is collectable again when the interpreter exits, as before: DuckDB's
    bindings report every object of theirs still alive then as a leak. Thawed once, however
    many manifests the process loads.
    """
    loader: type = ManifestLoader
    loader.get_full_manifest = classmethod(full_manifest_kept_out_of_collections)
    atexit.register(gc.unfreeze)


def reuse_repeated_work() -> None:
    """What dbt redoes in every process or for every node, done once.

    Templates compiled, macros laid out, and the manifest walked by the garbage collector.
    """
    reuse_project_templates()
    lay_out_macros_once()
    keep_the_manifest_out_of_collections()


def main() -> None:
    """Run dbt's command line with the patches in place (the `c360-dbt` command)."""
    skip_unread_work()
    keep_partial_parse_across_data_roots()
    reuse_repeated_work()
    from dbt.cli.main import cli

    sys.exit(cli())

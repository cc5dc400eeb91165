"""`c360-dbt` writes the lines dbt writes and builds no line or event message a logger's level
would drop, and a copied data root reuses the partial parse of the one it was copied from."""

import importlib.metadata
import io
import json
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from dbt.tracking import track_behavior_change_warn
from dbt_common.clients import agate_helper
from dbt_common.events.base_types import BaseEvent, EventLevel
from dbt_common.events.event_manager import EventManager
from dbt_common.events.logger import LineFormat, LoggerConfig, _JsonLogger, _Logger
from dbt_common.events.types import Note, PrintEvent

from c360.settings import REPO_ROOT, Settings
from dagster_project import dbt_launcher
from dagster_project.defs.dbt_assets import dbt_executable


@pytest.fixture
def built_lines(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The levels of the JSON lines dbt formats, with `c360-dbt`'s `write_line` in place."""
    built: list[str] = []
    create_line = _JsonLogger.create_line

    def counted(self, msg):
        built.append(msg.info.level)
        return create_line(self, msg)

    monkeypatch.setattr(_JsonLogger, "create_line", counted)
    monkeypatch.setattr(_Logger, "write_line", dbt_launcher.write_line_if_kept)
    return built


def _manager(level: EventLevel, stream: io.StringIO) -> EventManager:
    manager = EventManager()
    manager.add_logger(
        LoggerConfig(
            name=f"test-{id(stream)}",
            line_format=LineFormat.Json,
            level=level,
            output_stream=stream,
        )
    )
    return manager


def test_an_info_logger_builds_and_writes_only_its_lines(built_lines):
    stream = io.StringIO()
    manager = _manager(EventLevel.INFO, stream)
    manager.fire_event(Note(msg="a statement"), level=EventLevel.DEBUG)
    manager.fire_event(Note(msg="a model done"), level=EventLevel.INFO)
    manager.fire_event(Note(msg="a test warned"), level=EventLevel.WARN)
    manager.fire_event(PrintEvent(msg="a listed node"))  # `dbt ls` output, kept at any level

    written = [json.loads(line)["info"]["msg"] for line in stream.getvalue().splitlines()]
    assert written == ["a model done", "a test warned", "a listed node"]
    assert built_lines == ["info", "warn", "info"]


def test_a_debug_logger_still_gets_every_line(built_lines):
    stream = io.StringIO()
    manager = _manager(EventLevel.DEBUG, stream)
    manager.fire_event(Note(msg="a statement"), level=EventLevel.DEBUG)
    manager.fire_event(Note(msg="a model done"), level=EventLevel.INFO)

    written = [json.loads(line)["info"]["msg"] for line in stream.getvalue().splitlines()]
    assert written == ["a statement", "a model done"]
    assert built_lines == ["debug", "info"]
    assert logging.getLogger(f"test-{id(stream)}").isEnabledFor(logging.DEBUG)


@pytest.fixture
def lazy_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """`c360-dbt`'s event patches, put in place by `build_only_kept_events` and undone after."""
    for owner, name in (
        (BaseEvent, "__init__"),
        (BaseEvent, "pb_msg"),
        (EventManager, "fire_event"),
    ):
        monkeypatch.setattr(owner, name, getattr(owner, name, None), raising=False)  # to undo
    dbt_launcher.build_only_kept_events()


def _filled(event: BaseEvent) -> bool:
    return "_c360_data" in event.__dict__


def test_a_dropped_debug_event_is_never_turned_into_a_message(lazy_events, built_lines):
    stream = io.StringIO()
    manager = _manager(EventLevel.INFO, stream)
    manager.callbacks = [track_behavior_change_warn]  # what dbt's command line registers
    statement, done = Note(msg="a statement"), Note(msg="a model done")
    manager.fire_event(statement, level=EventLevel.DEBUG)
    manager.fire_event(done, level=EventLevel.INFO)

    assert not _filled(statement) and _filled(done)
    written = [json.loads(line)["info"]["msg"] for line in stream.getvalue().splitlines()]
    assert written == ["a model done"]
    # Read later, the skipped event still says what it was given.
    assert statement.msg == "a statement" and _filled(statement)


def test_a_callback_or_a_debug_logger_still_gets_every_event(lazy_events, built_lines):
    received = []
    manager = _manager(EventLevel.INFO, io.StringIO())
    manager.callbacks = [track_behavior_change_warn, received.append]  # a dbtRunner's callback
    manager.fire_event(Note(msg="a statement"), level=EventLevel.DEBUG)
    debug_stream = io.StringIO()
    debug = _manager(EventLevel.DEBUG, debug_stream)
    debug.fire_event(Note(msg="a statement"), level=EventLevel.DEBUG)

    assert [msg.info.msg for msg in received] == ["a statement"]
    assert json.loads(debug_stream.getvalue())["info"]["msg"] == "a statement"


def test_an_event_message_is_the_one_dbt_builds(lazy_events):
    """Filled when read, from the same arguments: the same protobuf dbt fills at construction."""
    lazy = Note(msg="a model done")
    assert not _filled(lazy)
    assert lazy.to_dict() == {"msg": "a model done"}
    lazy.msg = "changed"  # dbt's own events set fields after construction too
    assert lazy.pb_msg.msg == "changed"


def test_a_shared_type_tester_reads_results_as_dbts_own_does(monkeypatch: pytest.MonkeyPatch):
    """One tester per set of text columns, in any order, and the same column types as dbt's."""
    rows = [
        {"n": 1, "amount": 2.5, "day": "2026-09-01", "code": "007", "note": None},
        {"n": 2, "amount": None, "day": "2026-09-02", "code": "", "note": "null"},
    ]
    columns = ["n", "amount", "day", "code", "note"]

    def read() -> tuple[list[str], list[tuple]]:
        table = agate_helper.table_from_data_flat(rows, columns)
        return [type(t).__name__ for t in table.column_types], [tuple(r) for r in table.rows]

    dbts = read()
    assert agate_helper.build_type_tester(["x"]) is not agate_helper.build_type_tester(["x"])
    monkeypatch.setattr(agate_helper, "build_type_tester", agate_helper.build_type_tester)
    dbt_launcher.build_type_testers_once()
    assert dbt_launcher.type_tester_once({"b", "a"}) is dbt_launcher.type_tester_once(["a", "b"])
    assert dbt_launcher.type_tester_once(["a"]) is not dbt_launcher.type_tester_once(["a"], ())
    assert agate_helper.build_type_tester(["x"]) is agate_helper.build_type_tester(["x"])
    assert read() == read() == dbts
    assert dbts[0] == ["Integer", "Number", "Text", "Text", "Text"]


def test_the_refresh_runs_c360_dbt_and_it_is_dbt():
    """Every refresh of the suite runs dbt through it (dbt_assets.py); here, that it is dbt."""
    assert Path(dbt_executable()).name == "c360-dbt"
    versions = [
        subprocess.run(
            [command, "--version"], capture_output=True, text=True, check=True
        ).stdout.splitlines()[:2]
        for command in (dbt_executable(), str(Path(dbt_executable()).with_name("dbt")))
    ]
    assert versions[0] == versions[1]
    assert versions[0][1].split()[-1] == importlib.metadata.version("dbt-core")


def _loader(home: Path, memory_limit: str = "4GB") -> SimpleNamespace:
    """What the state check reads of dbt's loader: the rendered profile and its variables."""
    variables = {
        "C360_BUILD_DB": f"{home}/warehouse/build.duckdb",
        "C360_PUBLIC_DB": f"{home}/warehouse/public.duckdb",
        "C360_BUILD_SPILL_DIR": f"{home}/warehouse/spill",
        "C360_BUILD_MEMORY_LIMIT": memory_limit,
        "C360_HOME": str(home),
    }
    connection = {
        "database": "build",
        "path": variables["C360_BUILD_DB"],
        "attach": [{"path": variables["C360_PUBLIC_DB"], "alias": "public_marts"}],
        "config_options": {
            "temp_directory": variables["C360_BUILD_SPILL_DIR"],
            "memory_limit": memory_limit,
            "file_search_path": str(home),
        },
    }
    credentials = SimpleNamespace(connection_info=lambda: iter(connection.items()))
    return SimpleNamespace(
        root_project=SimpleNamespace(credentials=credentials, profile_env_vars=variables)
    )


def test_the_profile_hash_does_not_say_where_the_data_root_is():
    text = dbt_launcher.profile_text_without_data_root
    assert text(_loader(Path("/a/c360"))) == text(_loader(Path("/elsewhere/copy")))
    assert "/a/c360" not in text(_loader(Path("/a/c360")))
    # Every other value still counts: another memory limit is another profile.
    assert text(_loader(Path("/a/c360"), "8GB")) != text(_loader(Path("/a/c360")))


def test_the_project_reads_no_connection_value_that_the_hash_leaves_out():
    """What makes leaving the paths out safe: no project file reads them while dbt parses."""
    project = REPO_ROOT / "dbt"
    read = {
        attribute
        for folder in ("models", "macros", "snapshots", "tests", "seeds", "analyses")
        for path in (project / folder).rglob("*")
        if path.suffix in {".sql", ".yml", ".py"}
        for attribute in re.findall(r"\btarget\.(\w+)", path.read_text())
    } | set(re.findall(r"\btarget\.(\w+)", (project / "dbt_project.yml").read_text()))
    assert read <= {"type", "name", "schema", "database"}, read


def _parse(settings: Settings, log_path: Path) -> dict:
    """`c360-dbt parse` into the data root's target folder; dbt's performance record of it."""
    target = settings.dbt_target_dir
    parse = subprocess.run(
        [dbt_executable(), "parse", "--target-path", str(target), "--log-path", str(log_path)],
        cwd=settings.dbt_project_dir,
        env={**os.environ, **settings.dbt_env()},
        capture_output=True,
        text=True,
        check=False,
    )
    assert parse.returncode == 0, parse.stdout + parse.stderr
    assert "Unable to do partial parsing" not in parse.stdout
    # The manifest is frozen out of garbage collections, and thawed at exit: otherwise DuckDB's
    # bindings report each of their objects still alive as a leak on standard error.
    assert "leaked" not in parse.stderr, parse.stderr[-2000:]
    return json.loads((target / "perf_info.json").read_text())


def test_a_new_data_root_starts_from_the_projects_parse(tmp_path: Path):
    """dagster-dbt seeds a new target folder with the project's partial parse (`make manifest`,
    dbt_assets.ensure_manifest): the first refresh of a new data root parses nothing again."""
    settings = Settings.from_env({"C360_HOME": str(tmp_path / "new")})
    project_parse = settings.dbt_project_dir / "target" / "partial_parse.msgpack"
    settings.dbt_target_dir.mkdir(parents=True)
    shutil.copy(project_parse, settings.dbt_target_dir)  # as dagster-dbt does
    assert _parse(settings, tmp_path)["parsed_path_count"] == 0


def test_a_copied_data_root_parses_nothing_again(built: Path, tmp_path: Path):
    """A test's copy of a built company, or a data root moved elsewhere: no second full parse."""
    copy = tmp_path / "moved"
    shutil.copytree(built, copy, symlinks=True)
    settings = Settings.from_env({"C360_HOME": str(copy)})
    performance = _parse(settings, tmp_path)
    assert performance["is_partial_parse_enabled"]
    assert performance["parsed_path_count"] == 0
    target = settings.dbt_target_dir
    # The sources name the raw folder inside the data root, which DuckDB searches.
    manifest = json.loads((target / "manifest.json").read_text())
    locations = {
        source["meta"].get("external_location") or source["source_meta"]["external_location"]
        for source in manifest["sources"].values()
    }
    assert locations and all("'raw/" in location for location in locations), locations

"""`c360-dbt` writes the lines dbt writes, and builds no line that a logger's level would drop."""

import importlib.metadata
import io
import json
import logging
import subprocess
from pathlib import Path

import pytest
from dbt_common.events.base_types import EventLevel
from dbt_common.events.event_manager import EventManager
from dbt_common.events.logger import LineFormat, LoggerConfig, _JsonLogger, _Logger
from dbt_common.events.types import Note, PrintEvent

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

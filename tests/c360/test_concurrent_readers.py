"""Eight readers query the published warehouse while a real refresh runs and publishes, and while
a second publication follows: not one error, and no reader ever sees a mix of two versions.

Four readers are threads of this process (two through the dashboards' cached loader, two through
`c360.query`), four are loops of `c360 sql` subprocesses. Each read is one query on one
connection returning the version recorded in the file and a mart's row count; the refresh adds
one invoice line, so the versions differ in that count and a read mixing two of them is caught.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from c360.publish import list_versions, publish
from c360.query import run_query
from c360.refresh_lock import refresh_lock
from c360.serving import connect_readonly, resolve_current
from c360.settings import REPO_ROOT
from tests.conftest import settings_for

READ = (
    "select p.version, (select count(*) from marts.fct_invoice_lines) as lines "
    "from meta.publication as p"
)
Observation = tuple[str, str, int]  # reader, version, lines
PAUSE = {"dashboard": 0.2, "query": 0.2, "c360-sql": 0}  # seconds between reads, by kind


def add_one_invoice_line(landing: Path) -> None:
    """A new ERP extract day holding a copy of the first invoice and its first line."""
    first = landing / "erp" / "2026-09-01"
    day = landing / "erp" / "2026-09-05"
    day.mkdir()
    for name in ("invoices.csv", "invoice_lines.csv"):
        header, row = first.joinpath(name).read_bytes().split(b"\n")[:2]
        number = row.split(b";")[0]
        day.joinpath(name).write_bytes(header + b"\n" + row.replace(number, b"CONC0001") + b"\n")
    (day / "_SUCCESS").touch()


def dashboard_reader(n: int) -> tuple[str, int]:
    from dashboards.data import current_version, query

    version = current_version()
    frame = query(f"{READ} -- read {n}", version)  # a new text each time: no cache hit
    file_version, lines = frame.row(0)
    assert version == f"c360-{file_version}.duckdb", (version, file_version)
    return file_version, lines


def query_reader(settings) -> Callable[[int], tuple[str, int]]:
    def read(n: int) -> tuple[str, int]:
        _, rows = run_query(settings, READ)
        return rows[0]

    return read


CLI_LOOP = """
import contextlib, io, json, sys, time
from pathlib import Path
from c360.cli import main
query, stop = sys.argv[1], Path(sys.argv[2])
while not stop.exists():
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["sql", query, "--format", "json"])
    print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()}), flush=True)
    time.sleep(0.5)
"""


class CliReader:
    """A process running `c360 sql` over and over (its `main`, so no interpreter start per read:
    four loops of fresh interpreters on two cores starved the refresh they had to overlap)."""

    def __init__(self, stop_file: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", CLI_LOOP, READ, str(stop_file)],
            cwd=REPO_ROOT,
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, n: int) -> tuple[str, int] | None:
        line = self.process.stdout.readline()
        if not line:  # the process ended: stopped, or died (then its exit code says so)
            assert self.process.wait(timeout=60) == 0
            return None
        result = json.loads(line)
        assert result["code"] == 0, result["err"]
        [row] = json.loads(result["out"])
        return row["version"], row["lines"]


class Readers:
    """Reader loops on threads, each recording what it saw and any error, until stopped.

    A reader pauses between reads (`PAUSE`): eight loops flat out on two cores starved the
    refresh they are meant to overlap (the test took four minutes instead of under one).
    """

    def __init__(self, readers: dict[str, Callable[[int], tuple[str, int] | None]]) -> None:
        self.seen: list[Observation] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._loop, args=(name, read), daemon=True)
            for name, read in readers.items()
        ]

    def _loop(self, name: str, read: Callable[[int], tuple[str, int] | None]) -> None:
        n = 0
        pause = PAUSE[name.rsplit("-", 1)[0]]
        while not self.stop.wait(pause):
            n += 1
            try:
                observed = read(n)
                if observed is None:
                    return
                self.seen.append((name, *observed))
            except Exception as exc:  # every failure of any kind is what the test counts
                self.errors.append(f"{name}: {exc!r}")

    def versions_seen_by_all(self) -> set[str]:
        names = {t.name for t in self.threads}
        by_reader: dict[str, set[str]] = {}
        for name, version, _ in self.seen:
            by_reader.setdefault(name, set()).add(version)
        if set(by_reader) != names:
            return set()
        return set.intersection(*by_reader.values())

    def wait_until_all_saw(self, version: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while version not in self.versions_seen_by_all() and time.monotonic() < deadline:
            if self.errors:
                return
            time.sleep(0.2)


def test_eight_readers_never_fail_nor_see_a_mix_of_versions_during_a_refresh(
    built, tmp_path, monkeypatch
):
    home = tmp_path / "c360"
    shutil.copytree(built, home, symlinks=True)
    settings = settings_for(home, monkeypatch)
    add_one_invoice_line(settings.landing_dir)
    # The shared company may hold more than one version (tests that refresh it ran before).
    versions_before = len(list_versions(settings))
    first = resolve_current(settings)
    first_version = first.name.removeprefix("c360-").removesuffix(".duckdb")

    readers = {
        **{f"dashboard-{i}": dashboard_reader for i in range(2)},
        **{f"query-{i}": query_reader(settings) for i in range(2)},
        **{f"c360-sql-{i}": CliReader(tmp_path / "stop") for i in range(4)},
    }
    pool = Readers(readers)
    for thread, name in zip(pool.threads, readers, strict=True):
        thread.name = name
        thread.start()
    try:
        pool.wait_until_all_saw(first_version)
        assert pool.errors == []
        refresh = subprocess.run(
            [sys.executable, "-m", "c360.cli", "refresh"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert refresh.returncode == 0, refresh.stderr[-2000:]
        with refresh_lock(settings.refresh_lock):
            second = publish(settings)
        pool.wait_until_all_saw(second.version)
    finally:
        pool.stop.set()
        (tmp_path / "stop").touch()
        for thread in pool.threads:
            thread.join(timeout=120)

    expected = {}
    for path in list_versions(settings):
        con = connect_readonly(settings, path)
        expected[con.execute(READ).fetchone()[0]] = con.execute(
            "select row_count from meta.row_counts where table_name = 'marts.fct_invoice_lines'"
        ).fetchone()[0]
        con.close()
    assert len(expected) == versions_before + 2
    assert expected[second.version] == expected[first_version] + 1
    assert pool.errors == []
    assert {v for _, v, _ in pool.seen} >= {first_version, second.version}
    mixed = [(r, v, lines) for r, v, lines in pool.seen if lines != expected[v]]
    assert mixed == []
    assert len(pool.seen) >= 3 * len(readers)


@pytest.fixture(autouse=True)
def _quiet_streamlit_outside_its_runtime(monkeypatch):
    monkeypatch.setenv("STREAMLIT_GLOBAL_SHOW_WARNING_ON_DIRECT_EXECUTION", "false")

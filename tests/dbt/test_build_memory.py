"""The build's DuckDB runs with the configured memory limit, threads and spill folder.

Through the project's dbt profile, under a limit far below DuckDB's default (80 % of RAM), one
query that needs more than the limit: dbt's connection reports the configured settings, and
the query finishes by spilling into the data root's spill folder (seen there while it runs;
DuckDB removes its files on close). DuckDB fails a query rather than pass its limit, so
finishing is the limit holding. A whole build under a low limit is measured by
`bench/memory_bench.py` (docs/benchmarks.md), not here: under 128 MB and one thread it took
minutes, and the connection it runs on is the one this test checks.
"""

import json
import os
import subprocess
import sys
import threading
from argparse import Namespace
from pathlib import Path

import pytest

from c360.build_files import sharing_memory
from c360.settings import REPO_ROOT, Settings

DBT = str(Path(sys.executable).parent / "dbt")
LIMIT = {"C360_BUILD_MEMORY_LIMIT": "128MB", "C360_BUILD_THREADS": "1"}
# Three million distinct 32-character hashes: a hash table of a few hundred MB.
SETTINGS_AND_A_LARGE_AGGREGATE = (
    "select current_setting('memory_limit') as memory_limit,"
    " current_setting('threads') as threads,"
    " current_setting('temp_directory') as temp_directory,"
    " (select count(*) from (select distinct md5(i::varchar) from range(3000000) r(i)))"
    " as distinct_hashes"
)


class SpillWatcher(threading.Thread):
    """Names of the files that appear in `folder` until stopped (sampled every 20 ms)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(daemon=True)
        self.folder, self.seen, self.done = folder, set(), threading.Event()

    def run(self) -> None:
        """Sample until `done` is set."""
        while not self.done.is_set():
            if self.folder.is_dir():
                self.seen.update(os.listdir(self.folder))
            self.done.wait(0.02)


def _dbt(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DBT, *args], cwd=REPO_ROOT / "dbt", env=env, capture_output=True, text=True
    )


@pytest.mark.slow
def test_the_build_runs_under_the_configured_limit_and_spills_to_the_data_root(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    settings = Settings.from_env({"C360_HOME": str(home), **LIMIT})
    settings.warehouse_dir.mkdir(parents=True)
    env = {**os.environ, "C360_HOME": str(home), **settings.dbt_env()}
    target = ["--target-path", str(tmp_path / "target")]

    watcher = SpillWatcher(settings.build_spill_dir)
    watcher.start()
    show_args = ["show", "--inline", SETTINGS_AND_A_LARGE_AGGREGATE, "--output", "json"]
    show = _dbt([*show_args, *target, "--log-format", "json"], env)
    watcher.done.set()
    watcher.join()
    assert show.returncode == 0, show.stdout[-4000:]
    [preview] = [
        json.loads(event["data"]["preview"])
        for event in map(json.loads, show.stdout.splitlines())
        if "preview" in event.get("data", {})
    ]
    assert preview == [
        {
            "memory_limit": "122.0 MiB",  # 128 MB in DuckDB's binary units
            "threads": 1,
            "temp_directory": str(settings.build_spill_dir),
            "distinct_hashes": 3_000_000,
        }
    ]
    assert any(name.startswith("duckdb_temp_") for name in watcher.seen), watcher.seen


def _dbt_duckdb_environment(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> object:
    """dbt-duckdb's environment (its database and cursors) for the project's own profile."""
    from dbt.adapters.duckdb.environments import create
    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    for key, value in settings.dbt_env().items():
        monkeypatch.setenv(key, value)
    set_invocation_context(dict(os.environ))  # what dbt's `env_var` reads
    set_from_args(Namespace(), None)
    profile = Profile.from_raw_profiles(
        read_profile(str(REPO_ROOT / "dbt")), "c360", ProfileRenderer({}), "duckdb"
    )
    return create(profile.credentials)


def test_a_cursor_dbt_opens_keeps_the_half_a_python_step_set(tmp_path, monkeypatch):
    """dbt opens a cursor for each node: one starting beside a Python step keeps its half.

    dbt-duckdb runs the profile's `settings:` on every cursor it opens; with the limit there,
    the other dbt thread's next node put the whole limit back while the step held its memory.
    """
    settings = Settings.from_env({"C360_HOME": str(tmp_path), "C360_BUILD_MEMORY_LIMIT": "1GB"})
    settings.warehouse_dir.mkdir(parents=True)
    environment = _dbt_duckdb_environment(settings, monkeypatch)

    def limit(handle: object) -> str:
        [(value,)] = handle.cursor().execute("select current_setting('memory_limit')").fetchall()
        return value

    step = environment.handle()
    try:
        with sharing_memory(step.cursor(), settings):
            node = environment.handle()  # the next node, on dbt's other thread
            assert (limit(node), limit(step)) == ("476.8 MiB", "476.8 MiB")  # 0.5 GB
            node.close()
        assert limit(environment.handle()) == "953.6 MiB"  # 1 GB once the step has left
    finally:
        step.close()
        environment.close()

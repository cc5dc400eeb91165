"""Shared fixtures: a c360 data root in a temporary folder, with the environment pointing at it."""

import datetime as dt
import fcntl
import inspect
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest

from c360.serving import connect_readonly
from c360.settings import Settings
from dagster_project.dbt_fork_server import SERVER_VARIABLE, start_server

pytest_plugins = ("tests.suite_order",)  # longest test files first; `--record-durations`

ENV_KEYS = (
    "C360_HOME",
    "C360_BUILD_DB",
    "C360_RAW_DIR",
    "C360_REPORTING_CURRENCY",
    "C360_IDENTITY_OVERRIDES",
    "C360_BUILD_MEMORY_LIMIT",
    "C360_BUILD_THREADS",
    "C360_BUILD_SPILL_DIR",
    "DAGSTER_HOME",
)


SLOW_WORK = re.compile(r"\b(generate_and_refresh|run_refresh|sync_playwright|spark_build)\(")
"""Calls that make a test slow: a warehouse built by dbt, a browser, Spark (seconds to minutes)."""


def _does_slow_work(function: object, seen: dict[object, bool]) -> bool:
    """Whether `function`'s own source calls one of `SLOW_WORK` (cached per function)."""
    if function not in seen:
        try:
            seen[function] = bool(SLOW_WORK.search(inspect.getsource(function)))
        except (OSError, TypeError):
            seen[function] = False
    return seen[function]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `slow` every test that builds a warehouse, starts a browser or Spark, or uses a fixture
    that does (at any depth), so `pytest -m "not slow"` is the quick loop and nobody has to
    remember to mark a new test by hand. `--durations` in `make test` measures them.
    """
    seen: dict[object, bool] = {}
    for item in items:
        functions = [getattr(item, "function", None)]
        fixture_info = getattr(item, "_fixtureinfo", None)
        for definitions in getattr(fixture_info, "name2fixturedefs", {}).values():
            functions += [definition.func for definition in definitions]
        if any(_does_slow_work(function, seen) for function in functions if function):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def warm_dbt() -> Iterator[None]:
    """Each test process's `c360-dbt` commands forked from a server that has imported dbt once
    (dagster_project/dbt_fork_server.py), not each paying the imports again.

    Not waited for: until its socket answers, a command runs dbt in its own process.
    """
    folder = Path(tempfile.mkdtemp(prefix="c360-dbt-"))  # short: a socket path has 107 bytes
    address = folder / "server.sock"
    server = start_server(address, parent=os.getpid())
    os.environ[SERVER_VARIABLE] = str(address)
    try:
        yield
    finally:
        del os.environ[SERVER_VARIABLE]
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


def settings_for(
    home: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str] | None = None
) -> Settings:
    """Point every c360 path (and dbt, and Dagster) at `home`; restored after the test.

    `environment` sets other `C360_*` variables first (a reporting currency).
    """
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    for key, value in (environment or {}).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("C360_HOME", str(home))
    settings = Settings.from_env()
    for key, value in settings.dbt_env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DAGSTER_HOME", str(settings.dagster_home))
    return settings


def start_from_the_refreshes_parse(settings: Settings, target: Path) -> None:
    """Give the dbt target folder `target` the partial parse of `settings`' refreshes, so that a
    dbt command run there does not parse the whole project again (dbt parses anew if it is
    stale)."""
    saved = settings.dbt_target_dir / "partial_parse.msgpack"
    if saved.is_file() and not (target / saved.name).exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(saved, target / saved.name)


def dbt_full_refresh(settings: Settings, command: tuple[str, ...] | None = None) -> None:
    """Rebuild every model of `settings`' warehouse from scratch with dbt (`--full-refresh`).

    `command` is the dbt command and its selection; by default the refresh's own build.

    The oracle of the tests that an incremental or selective refresh equals a full one. Its
    artifacts go to a folder of that data root: the project's own `target/` holds the manifest
    every test worker reads.
    """
    from dagster_project.defs.dbt_assets import REFRESH_BUILD_ARGS, dbt_executable

    target = settings.warehouse_dir / "full-refresh-target"
    start_from_the_refreshes_parse(settings, target)
    dbt = [dbt_executable(), *(command or REFRESH_BUILD_ARGS), "--full-refresh", "--quiet"]
    result = subprocess.run(
        [*dbt, "--target-path", str(target)],
        cwd=settings.dbt_project_dir,
        env={**os.environ, **settings.dbt_env(), "C360_HOME": str(settings.home)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def published(settings: Settings, sql: str) -> pl.DataFrame:
    """`sql` on the published warehouse, through the readers' sandboxed read-only connection."""
    con = connect_readonly(settings)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def generate_and_refresh(
    home: Path,
    *,
    edit_landing: Callable[[Path], None] | None = None,
    environment: dict[str, str] | None = None,
    start: dt.date = dt.date(2026, 9, 1),
    **generation: object,
) -> Path:
    """Generate a company into `home` (4 days from `start`), refresh and publish it once.

    `edit_landing` changes the generated extracts before the refresh (a partial company, guest
    sales); `environment` sets `C360_*` variables for the refresh (a reporting currency).
    """
    from dagster_project.run_refresh import run_refresh
    from ingestion.generator import generate_company

    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(home, monkeypatch, environment)
        generate_company(
            settings.landing_dir,
            settings.truth_dir,
            start=start,
            days=4,
            **generation,
        )
        if edit_landing is not None:
            edit_landing(settings.landing_dir)
        summary = run_refresh(settings)
        assert summary.success, summary.failures + summary.checks_failed
    return home


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]
) -> Path:
    """`build(home)` run once for the whole test run, each pytest-xdist worker given its copy.

    The first worker to need the company builds it (under a file lock, in the folder all workers
    share); the others wait for it and copy it (a few MB, well under a second) instead of
    spending a refresh of their own on the same company. Each worker works on its own copy,
    so tests writing into the data root (audit logs, sign-ins) never meet another worker's.
    """
    home = tmp_path_factory.mktemp(name)
    if os.environ.get("PYTEST_XDIST_WORKER") is None:  # one process: nothing to share
        return build(home)
    shared = tmp_path_factory.getbasetemp().parent / f"shared-{name}"
    with open(f"{shared}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (shared / ".complete").exists():
            shutil.rmtree(shared, ignore_errors=True)  # a worker that died part-way
            build(shared)
            (shared / ".complete").touch()
    shutil.copytree(shared, home, symlinks=True, dirs_exist_ok=True)
    (home / ".complete").unlink()
    return home


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data root with a clean 60-customer company generated, refreshed and published once.

    Shared by the integration and browser tests (a refresh of it takes about a minute); tests
    that change it work on a copy.
    """
    return built_once(
        tmp_path_factory,
        "c360",
        lambda home: generate_and_refresh(home, customers=60, seed=7, defects="none"),
    )


@pytest.fixture
def settings(built: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The session's small company (`built`), with every c360 path pointing at it."""
    return settings_for(built, monkeypatch)


ERP_ONLY_REMOVED = ("product_costs", "timesheets", "fx_rates")
"""ERP entities the ERP-only company never delivers, besides the whole CRM."""


def remove_crm_and_costs(landing_dir: Path) -> None:
    """Make the generated company ERP-only: no CRM, no product costs, timesheets or FX table."""
    shutil.rmtree(landing_dir / "crm")
    for entity in ERP_ONLY_REMOVED:
        for path in (landing_dir / "erp").glob(f"*/{entity}*"):
            path.unlink()


@pytest.fixture(scope="session")
def erp_only_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-customer company with an ERP only, refreshed and published once.

    No CRM, no product costs, no timesheets, no FX rates (the ECB's are used). Its extracts
    start on the first day after the ECB file shipped with the code ends, so its newest
    documents have no ECB quote of their own. Shared by the partial-source tests (a refresh
    takes ~20 s).
    """
    from tests.integration.ecb_oracle import ecb_monthly_means, first_day_after

    return built_once(
        tmp_path_factory,
        "c360_erp_only",
        lambda home: generate_and_refresh(
            home,
            edit_landing=remove_crm_and_costs,
            start=first_day_after(ecb_monthly_means()),
            customers=40,
            seed=11,
            defects="none",
        ),
    )

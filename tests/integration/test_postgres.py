"""The PostgreSQL publish target against a real server started by the project's own code.

One server for the module, and a copy of the session's small company (`built`), loaded once by
the Dagster asset that a refresh runs when the target is on. The oracle is the published DuckDB
version itself: PostgreSQL holds a copy, so every row must be equal. The tests run in file
order: the last ones publish new versions.
"""

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import psycopg
import pytest

from c360.cli import main
from c360.fault_points import POSTGRES_DURING_LOAD, RAISE_AT_ENV
from c360.postgres_publish import PostgresLoadError, load_current, render_state, served_version
from c360.postgres_roles import NoPostgresAccessError, create_login
from c360.postgres_server import (
    LocalServer,
    PostgresUnavailableError,
    ensure_installed,
    free_port,
    running,
    start,
    stop,
)
from c360.publish import publish, switch_current
from c360.serving import resolve_current
from c360.settings import Settings
from c360.status import render_status
from dagster_project.defs.postgres_asset import postgres_public
from dagster_project.defs.resources import C360Resource
from tests.conftest import published, settings_for

MARTS = ("dim_customers", "fct_invoice_lines", "rpt_kpi_monthly", "rpt_pipeline_outcomes")
PSQL = shutil.which("psql") or "/usr/bin/psql"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    """A PostgreSQL server in a folder its unprivileged account can reach (not pytest's 0700)."""
    try:
        ensure_installed()
    except PostgresUnavailableError as exc:
        pytest.skip(f"PostgreSQL cannot be installed here: {exc}")
    cluster = Path(tempfile.mkdtemp(prefix="c360-pg-"))
    running_server = start(cluster, free_port())
    yield running_server
    stop(cluster)
    shutil.rmtree(cluster)


@pytest.fixture(scope="module")
def home(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's company (these tests publish new versions of it)."""
    copy = tmp_path_factory.mktemp("c360-pg") / "home"
    shutil.copytree(built, copy, symlinks=True)
    return copy


@pytest.fixture
def settings(home: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return settings_for(home, monkeypatch, {"C360_POSTGRES_URL": server.url})


def _login(server: LocalServer, login: str, role: str) -> str:
    """A libpq URL for a new login of c360 role `role`."""
    with psycopg.connect(server.url, autocommit=True) as con:
        password = create_login(con, login, role)
    return f"postgresql://{login}:{password}@127.0.0.1:{server.port}/c360"


def _psql(url: str, script: str) -> subprocess.CompletedProcess:
    """Debian's psql, unaligned and tuples only, reading `script` on standard input."""
    return subprocess.run(
        [PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _duckdb_rows(path: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"select * from {table}").fetchall()
    finally:
        con.close()


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=repr)


def test_the_refresh_step_loads_the_published_version(
    settings: Settings, server: LocalServer
) -> None:
    result = dg.materialize(
        [postgres_public],
        resources={"c360": C360Resource(home=str(settings.home))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    version = resolve_current(settings).name.removeprefix("c360-").removesuffix(".duckdb")
    [event] = result.get_asset_materialization_events()
    assert event.materialization.metadata["version"].value == version
    with psycopg.connect(server.url) as con:
        assert served_version(con) == version
    assert running(server.cluster_dir) == server
    assert f"postgresql         serves {version}" in render_status(settings)


@pytest.mark.parametrize("table", MARTS)
def test_psycopg_reads_every_row_of_a_mart_as_duckdb_publishes_it(
    settings: Settings, server: LocalServer, table: str
) -> None:
    expected = _duckdb_rows(resolve_current(settings), f"marts.{table}")
    with psycopg.connect(server.url) as con:
        actual = con.execute(f"select * from marts.{table}").fetchall()
    assert len(expected) > 0
    assert _sorted(actual) == _sorted(expected)


def test_psql_reads_the_same_figures_as_duckdb(settings: Settings, server: LocalServer) -> None:
    figures = (
        "select count(*), sum(net_revenue), sum(gross_margin) from marts.rpt_kpi_monthly;\n"
        "select count(*), sum(quantity), sum(net_revenue) from marts.fct_invoice_lines;\n"
        "select count(*), sum(lifetime_net_revenue) from marts.dim_customers;\n"
    )
    done = _psql(server.url, figures)
    assert done.returncode == 0, done.stderr
    read = [[Decimal(v) for v in line.split("|")] for line in done.stdout.split()]
    expected = [
        [Decimal(str(v)) for v in published(settings, query).row(0)]
        for query in figures.strip().split("\n")
    ]
    assert read == expected
    assert read[0][1] != 0


def test_a_role_without_the_personal_data_permission_is_refused_those_columns(
    settings: Settings, server: LocalServer
) -> None:
    analyst = _login(server, "ana", "analyst")
    admin = _login(server, "adam", "admin")
    refused = _psql(analyst, "select main_contact_email from marts_restricted.dim_customers;")
    assert refused.returncode != 0
    assert "permission denied for schema marts_restricted" in refused.stderr
    masked = _psql(analyst, "select distinct left(main_contact_email, 3) from marts.dim_customers;")
    assert masked.stdout.split() == ["•••"]
    clear = _psql(admin, "select main_contact_email from marts_restricted.dim_customers;")
    expected = _duckdb_rows(
        resolve_current(settings, personal_data=True),
        "(select main_contact_email from marts.dim_customers)",
    )
    assert sorted(clear.stdout.split()) == sorted(e for (e,) in expected if e)
    written = _psql(admin, "create table marts.mine (x int);")
    assert "permission denied for schema marts" in written.stderr
    with psycopg.connect(server.url, autocommit=True) as con, pytest.raises(NoPostgresAccessError):
        create_login(con, "sam", "sales")


def test_a_failed_load_keeps_the_previous_version_and_says_so(
    settings: Settings, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with psycopg.connect(server.url) as con:
        before = served_version(con)
    new = publish(settings).version
    monkeypatch.setenv(RAISE_AT_ENV, f"{POSTGRES_DURING_LOAD}@3")
    with pytest.raises(PostgresLoadError) as failure:
        load_current(settings)
    assert f"The DuckDB publication of {new} has happened" in str(failure.value)
    assert f"PostgreSQL readers keep version {before}" in str(failure.value)
    with psycopg.connect(server.url) as con:
        assert served_version(con) == before
        leftovers = con.execute("select nspname from pg_namespace where nspname like '%\\_\\_%'")
        assert leftovers.fetchall() == []
    assert "LOAD FAILED" in render_state(settings)
    monkeypatch.delenv(RAISE_AT_ENV)
    assert load_current(settings).version == new


def _drop_one_invoice_line(settings: Settings) -> None:
    con = duckdb.connect(str(settings.public_db))
    try:
        con.execute(
            "delete from marts.fct_invoice_lines where invoice_line_id = "
            "(select min(invoice_line_id) from marts.fct_invoice_lines)"
        )
    finally:
        con.close()


def test_eight_psql_readers_see_no_error_and_no_mixed_version_during_publications(
    settings: Settings, server: LocalServer
) -> None:
    """Each reader reads the version marker, waits, then a mart, in one transaction.

    Every publication drops one invoice line, so each version has its own line count. With a
    swap that renamed schemas without locking the old tables, 3 of 568 such reads mixed two
    versions (measured while writing this test); with the locks, 0 of 688.
    """
    reader_url = _login(server, "reader", "analyst")
    script = (
        "begin;\nselect version from meta.publication;\nselect pg_sleep(0.05);\n"
        "select count(*) from marts.fct_invoice_lines;\ncommit;\n"
    )
    expected: dict[str, int] = {}
    with psycopg.connect(server.url) as con:
        version = served_version(con)
        [(lines,)] = con.execute("select count(*) from marts.fct_invoice_lines").fetchall()
    expected[version] = lines
    publications = []
    for _ in range(2):  # published before the readers start: PostgreSQL's switch is under test
        _drop_one_invoice_line(settings)
        publications.append(publish(settings))
        expected[publications[-1].version] = publications[-1].row_counts["marts.fct_invoice_lines"]
    seen: list[tuple[str, int]] = []
    errors: list[str] = []
    stop_reading = threading.Event()

    def read() -> None:
        # a pause between transactions: 8 psql processes started back to back on 2 cores
        # slowed the publications fourfold
        while not stop_reading.wait(0.05):
            done = _psql(reader_url, script)
            if done.returncode != 0 or done.stderr:
                errors.append(done.stderr)
                continue
            marker, count = [line for line in done.stdout.splitlines() if line.strip()]
            seen.append((marker, int(count)))

    readers = [threading.Thread(target=read) for _ in range(8)]
    for reader in readers:
        reader.start()
    try:
        for publication in publications:
            switch_current(settings, publication.path)
            load_current(settings)
    finally:
        stop_reading.set()
        for reader in readers:
            reader.join(timeout=60)
    assert errors == []
    assert len(set(expected.values())) == 3
    mixed = [(v, n) for v, n in seen if expected.get(v) != n]
    assert mixed == []
    assert len({v for v, _ in seen}) >= 2, "the readers saw one version only"


def test_a_rollback_takes_postgresql_readers_back_too(
    settings: Settings, server: LocalServer, capsys: pytest.CaptureFixture
) -> None:
    assert main(["rollback"]) == 0
    back = resolve_current(settings).name.removeprefix("c360-").removesuffix(".duckdb")
    assert f"PostgreSQL serves version {back}" in capsys.readouterr().out
    with psycopg.connect(server.url) as con:
        assert served_version(con) == back

"""Reader limits: one query cannot starve the server of time or memory.

Each test publishes a small database by hand into its own folder: the memory limit belongs to
the DuckDB instance of a file, so a file shared between tests would keep the first one's limit.
"""

import os
import subprocess
import sys
import time

import duckdb
import pytest

from c360.personal_data import create_declarations
from c360.publish import publish
from c360.query import run_query
from c360.serving import QueryMemoryError, QueryTimeoutError, connect_readonly, reader_limits
from c360.settings import REPO_ROOT
from tests.conftest import settings_for

ROWS = 20_000
# 8 * 10^12 row combinations: minutes of work at any speed this machine has.
CROSS_JOIN = "select sum(hash(a.x, b.x, c.x)) from marts.t a, marts.t b, marts.t c"
# Every number from 0 to 50 million in one list: about 400 MB of memory at the least.
NEEDS_MEMORY = "select len(list(i)) from range(50000000) r(i)"


def publish_numbers(settings) -> None:
    settings.public_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.public_db))
    con.execute("create schema marts")
    con.execute(f"create table marts.t as select range as x from range({ROWS})")
    create_declarations(con)
    con.close()
    publish(settings)


@pytest.fixture
def limited(tmp_path, monkeypatch):
    settings = settings_for(
        tmp_path, monkeypatch, {"C360_READER_TIMEOUT": "1", "C360_READER_MEMORY": "128MB"}
    )
    publish_numbers(settings)
    return settings


def test_a_cross_join_that_would_run_for_minutes_stops_within_the_time_limit(limited):
    started = time.perf_counter()
    with pytest.raises(QueryTimeoutError) as stopped:
        run_query(limited, CROSS_JOIN)
    elapsed = time.perf_counter() - started
    assert str(stopped.value) == (
        "query stopped after 1 s (the reader time limit, C360_READER_TIMEOUT)"
    )
    # The join runs for minutes unstopped; the limit stops it at 1 s, plus however long a busy
    # machine takes to deliver the interrupt (not a speed bound, so a loose one).
    assert 1 <= elapsed < 30


def test_a_shorter_limit_asked_for_wins_and_the_connection_answers_afterwards(limited):
    con = connect_readonly(limited)
    try:
        with (
            pytest.raises(QueryTimeoutError, match=r"after 0.3 s \(the time limit asked for\)"),
            reader_limits(con, limited, seconds=0.3),
        ):
            con.execute(CROSS_JOIN).fetchall()
        with reader_limits(con, limited):
            assert con.execute("select count(*) from marts.t").fetchall() == [(ROWS,)]
    finally:
        con.close()


def test_a_query_needing_more_memory_than_the_limit_fails_clearly_and_the_process_goes_on(
    limited,
):
    con = connect_readonly(limited)
    try:
        assert con.execute("select current_setting('memory_limit')").fetchall() == [("122.0 MiB",)]
    finally:
        con.close()
    with pytest.raises(QueryMemoryError) as stopped:
        run_query(limited, NEEDS_MEMORY)
    assert str(stopped.value) == (
        "query stopped: it needed more than 128MB of memory (the reader memory limit, "
        "C360_READER_MEMORY)"
    )
    assert run_query(limited, "select count(*) from marts.t") == (["count_star()"], [(ROWS,)])


def test_c360_sql_reports_a_limit_as_a_message_not_a_traceback(limited):
    for query, message in (
        (CROSS_JOIN, "query stopped after 1 s"),
        (NEEDS_MEMORY, "query stopped: it needed more than 128MB of memory"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "c360.cli", "sql", query],
            cwd=REPO_ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1  # an answer, not a process killed by the kernel
        assert message in result.stderr
        assert "Traceback" not in result.stderr

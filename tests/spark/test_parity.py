"""The same dbt project on Spark gives the same public marts as on DuckDB, row for row.

The session's small company (`built`: 60 customers, refreshed and published on DuckDB) is built
again on the local Spark target from the same raw Parquet by dagster_project.spark_build, in a
subprocess (a JVM of its own, ~2-4 minutes on 2 cores). Every table of the `marts` and
`quality` schemas then compares: the same columns, the same rows; money and other decimals
exactly (to the cent), floating-point ratios to 1e-9. The snapshot histories are DuckDB's only
(dbt-spark snapshots need Delta). The same build runs every dbt unit test on Spark, each one
DuckDB's manifest holds must have passed there, and the project's own data tests, each one
Spark's manifest holds must have passed (dbt's built-in generic tests as well under `make
spark-parity`). Skipped, saying why, without Java or without the `spark` extra.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from c360.serving import resolve_current
from c360.settings import REPO_ROOT, Settings
from dagster_project.spark_build import DBT_BUILT_IN_TESTS as BUILT_IN_TESTS

pytestmark = [
    pytest.mark.skipif(
        shutil.which("java") is None, reason="no Java: the Spark parity test needs Java 17"
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None
        or importlib.util.find_spec("dbt.adapters.spark") is None,
        reason="the spark extra is not installed (make spark-parity installs it)",
    ),
]

DBT_DIR = REPO_ROOT / "dbt"
PUBLIC_SCHEMAS = ("marts", "quality")
# dbt-spark snapshots MERGE into Delta/Iceberg/Hudi tables; the local target writes Parquet.
DUCKDB_ONLY = {"customer_bridge_history", "dim_customers_history"}
RATIO_TOLERANCE = 1e-9
# `make test`: the project's own data tests and every unit test on Spark; dbt's built-in generic
# tests (not_null, unique, ...) run on DuckDB only, their SQL dbt-spark's and the tables they
# test compared below (a sixth of the Spark build's CPU). `make spark-parity` runs all of them.
SPARK_DATA_TESTS = os.environ.get("C360_SPARK_DATA_TESTS", "project")


@pytest.fixture(scope="module")
def spark_home(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Spark warehouse built from the session company's raw Parquet; its own data root."""
    home = tmp_path_factory.mktemp("spark")
    settings = Settings.from_env({"C360_HOME": str(built)})
    env = {
        **os.environ,
        **settings.dbt_env(),
        "C360_HOME": str(home),
        # The session company's raw folder, by its absolute path: the Spark home has none.
        "C360_RAW_DIR": str(settings.raw_dir),
        "SPARK_LOCAL_IP": "127.0.0.1",
    }
    run = subprocess.run(
        [sys.executable, "-m", "dagster_project.spark_build", "--data-tests", SPARK_DATA_TESTS],
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,  # a hang, not a slow machine: the build takes 5-9 minutes beside other tests
        check=False,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return home


def _duckdb_tables(built: Path) -> dict[str, pl.DataFrame]:
    # The copy with personal data: the build's values, before publishing masks them.
    settings = Settings.from_env({"C360_HOME": str(built)})
    current = resolve_current(settings, personal_data=True)
    with duckdb.connect(str(current), read_only=True) as con:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables"
            f" where table_schema in {PUBLIC_SCHEMAS}"
        ).fetchall()
        tables = {
            f"{schema}.{name}": con.sql(f"select * from {schema}.{name}").pl()
            for schema, name in names
            if name not in DUCKDB_ONLY
        }
    # The declarations list the snapshots' columns too, which only DuckDB builds.
    declared = tables["quality.personal_data_columns"]
    tables["quality.personal_data_columns"] = declared.filter(
        ~pl.col("table_name").is_in(DUCKDB_ONLY)
    )
    return tables


def _spark_table(home: Path, name: str) -> pl.DataFrame:
    schema, table = name.split(".")
    folder = home / "spark" / "warehouse" / f"{schema}.db" / table
    assert folder.is_dir(), f"{name} was not built on Spark"
    with duckdb.connect() as con:
        return con.sql(f"select * from read_parquet('{folder}/*.parquet')").pl()


def _comparable(frame: pl.DataFrame) -> pl.DataFrame:
    """One representation per value: integers as Int64, instants as UTC without zone."""
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype.is_integer():
            column = column.cast(pl.Int64)
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            column = column.cast(pl.Datetime("us"))
        elif dtype == pl.Float32:
            column = column.cast(pl.Float64)
        columns.append(column)
    frame = frame.select(columns)
    exact = [name for name, dtype in frame.schema.items() if not dtype.is_float()]
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.sort([*exact, *floats], nulls_last=True)


def _differences(name: str, expected: pl.DataFrame, actual: pl.DataFrame) -> str | None:
    if actual.columns != expected.columns:
        return f"{name}: columns {actual.columns} != {expected.columns}"
    if actual.height != expected.height:
        return f"{name}: {actual.height} rows on Spark, {expected.height} on DuckDB"
    expected, actual = _comparable(expected), _comparable(actual)
    floats = [n for n, dtype in expected.schema.items() if dtype.is_float()]
    exact = [n for n in expected.columns if n not in floats]
    for column in exact:
        if isinstance(expected.schema[column], pl.Decimal) and (
            actual.schema[column] != expected.schema[column]
        ):
            return f"{name}.{column}: {actual.schema[column]} != {expected.schema[column]}"
    try:
        # Money to the cent and every other non-float value exactly; ratios to 1e-9.
        assert_frame_equal(actual.select(exact), expected.select(exact), check_dtypes=False)
        assert_frame_equal(
            actual.select(floats),
            expected.select(floats),
            check_dtypes=False,
            rel_tol=0,
            abs_tol=RATIO_TOLERANCE,
        )
    except AssertionError as error:
        return f"{name}: {error}"
    return None


def test_every_public_mart_is_the_same_on_spark_and_duckdb(built: Path, spark_home: Path):
    duckdb_tables = _duckdb_tables(built)
    assert len(duckdb_tables) >= 25, sorted(duckdb_tables)
    differences = [
        _differences(name, expected, _spark_table(spark_home, name))
        for name, expected in sorted(duckdb_tables.items())
    ]
    assert [d for d in differences if d] == []


def _unit_tests(manifest: Path) -> set[str]:
    assert manifest.is_file(), f"{manifest} was not written"
    return set(json.loads(manifest.read_text())["unit_tests"])


def test_every_unit_test_passes_on_spark_too(built: Path, spark_home: Path):
    # DuckDB's manifest (the session's refresh) and Spark's (the build above): the same tests,
    # so none is disabled on one engine, and the Spark build passed each of them.
    on_duckdb = _unit_tests(DBT_DIR / "target" / "manifest.json")
    on_spark = _unit_tests(DBT_DIR / "target" / "spark" / "manifest.json")
    passed = json.loads((spark_home / "spark" / "last_build.json").read_text())["unit_tests_passed"]
    assert on_duckdb, "no unit test in the manifest"
    assert on_spark == on_duckdb
    assert sorted(passed) == sorted(on_duckdb)


def test_every_data_test_of_the_build_passes_on_spark(spark_home: Path):
    # The Spark manifest's data tests (those of the DuckDB-only snapshots are disabled there),
    # less dbt's built-in generic ones when the build left them to DuckDB.
    nodes = json.loads((DBT_DIR / "target" / "spark" / "manifest.json").read_text())["nodes"]
    record = json.loads((spark_home / "spark" / "last_build.json").read_text())
    left_out = set(BUILT_IN_TESTS) if record["data_tests"] == "project" else set()
    expected = {
        unique_id
        for unique_id, node in nodes.items()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name") not in left_out
    }
    assert len(expected) >= 70
    assert sorted(record["data_tests_passed"]) == sorted(expected)

"""The dbt project built on Apache Spark (dbt-spark, `method: session`), Python steps included.

dbt-spark runs Python models only through Databricks submission methods, so on the `spark`
target this module runs the project's Python models' library code (identity, clv)
itself, in the same process and Spark session as dbt: it reads their input tables from Spark
into Polars, calls the same functions the dbt Python models call, and writes the outputs back as
Spark tables of the models' relations. The Python models stay dbt nodes on Spark (so `ref`,
their data tests and the unit tests that mock them resolve as on DuckDB) but every dbt command
here leaves them out. The order is dbt's: the models upstream of a step, the step, and so on;
the data tests of the earlier phases and every unit test run at the end, in this session, where
the Jaro-Winkler function the identity models call is registered. Spark also cannot read a
folder whose only file is the ingestion's schema-only `_empty.parquet` (names starting with `_`
are hidden from it), so the raw sources are registered here as external tables with the union of
their files' schemas (`union_by_name`).

Needs the `spark` extra and Java 17 (docs/scaling_out.md).
The Python steps are `spark_python_steps.py`, the Jaro-Winkler function `jaro_winkler.py`.
Run: `python -m dagster_project.spark_build`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from c360.settings import Settings
from dagster_project.jaro_winkler import jaro_winkler
from dagster_project.spark_python_steps import (
    CLV_STEPS,
    IDENTITY_STEPS,
    python_step_parents,
    run_clv_steps,
    run_identity_steps,
)

logger = logging.getLogger(__name__)

# A target path of its own: switching targets in dbt/target would defeat DuckDB's partial parse.
TARGET_PATH = "target/spark"
# dbt's own generic tests. `--data-tests project` leaves them to the DuckDB build: their SQL is
# dbt-spark's, and the tables they test are the ones the parity test compares with DuckDB's.
DBT_BUILT_IN_TESTS = ("not_null", "unique", "accepted_values", "relationships")


@dataclass
class SparkBuild:
    """What a build did: seconds per phase, the dbt nodes that failed, the tests that passed."""

    seconds: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    data_tests_passed: list[str] = field(default_factory=list)
    unit_tests_passed: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        """True when every dbt node and every Python step passed."""
        return not self.failures


def _dbt(args: list[str], manifest: Any = None) -> Any:
    """Run dbt in this process on the Spark target; `manifest`, the build's parse, is reused.

    Without it every command loads the partial parse and writes the manifest again.
    """
    from dbt.cli.main import dbtRunner

    settings = Settings.from_env()
    project = settings.dbt_project_dir
    base = ["--project-dir", str(project), "--profiles-dir", str(project)]
    # The Spark home's own log, at info as a refresh's: not the project folder's debug log.
    log = ["--log-path", str(settings.home / "spark" / "logs"), "--log-level-file", "info"]
    result = dbtRunner(manifest=manifest).invoke(
        [*args, *base, *log, "--target", "spark", "--target-path", TARGET_PATH, "--quiet"]
    )
    if result.exception is not None:
        raise result.exception
    return result


def _failures(result: Any) -> list[str]:
    return [
        f"{r.node.unique_id}: {r.message}"
        for r in (result.result or [])
        if str(r.status) in {"error", "fail", "runtime error"}
    ]


def _raw_schema(folder: Path) -> pa.Schema:
    """The union of the schemas of a raw folder's files, `_empty.parquet` included."""
    files = sorted(path for path in folder.glob("*.parquet") if path.is_file())
    return pa.unify_schemas([pq.read_schema(path) for path in files])


def register_raw_sources(spark: Any, manifest: Any) -> int:
    """Create `<source>.<table>` over every raw Parquet folder a source reads; returns the count.

    Recreated on each build, so a column added to an extract appears; dropping an external
    table leaves its files alone. The folder comes from the source's dbt-duckdb
    `external_location` (`read_parquet('<folder>/*.parquet', ...)`); a relative one is in the
    data root, where DuckDB's search path finds it (Settings.dbt_env).
    """
    home = Settings.from_env().home
    count = 0
    for source in manifest.sources.values():
        location = source.meta.get("external_location") or source.source_meta.get(
            "external_location"
        )
        if not location:
            continue
        folder = home / Path(location.split("'")[1].replace("{name}", source.name)).parent
        schema = spark.createDataFrame(_raw_schema(folder).empty_table()).schema
        spark.sql(f"create database if not exists {source.schema}")
        spark.sql(f"drop table if exists {source.schema}.{source.identifier}")
        spark.catalog.createTable(
            f"{source.schema}.{source.identifier}",
            path=str(folder),
            source="parquet",
            schema=schema,
        )
        count += 1
    return count


def _unit_tests(result: Any) -> list[Any]:
    return [r for r in (result.result or []) if r.node.resource_type == "unit_test"]


def _passed(result: Any, resource_type: str) -> list[str]:
    return [
        r.node.unique_id
        for r in (result.result or [])
        if r.node.resource_type == resource_type and str(r.status) == "pass"
    ]


def build(data_tests: str = "all") -> SparkBuild:
    """Seeds, models, snapshots (none on Spark) and tests, with the Python steps in between.

    `data_tests` is `all`, or `project`: the project's own data tests (its generic tests and
    singular tests) and every unit test, without dbt's built-in generic tests, a sixth of the
    build's time for what the DuckDB build and the parity test already check.
    """
    left_out = [f"test_name:{name}" for name in DBT_BUILT_IN_TESTS if data_tests == "project"]
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Spark's Python workers (the Jaro-Winkler function) run this interpreter, not `python3`.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # dbt runs in this process: the same patches as `c360-dbt`'s. Imported here, as dbt is:
    # importing dbt configures Python's root logger (snowplow's basicConfig), which would
    # silence main's figures.
    from dagster_project.dbt_launcher import reuse_repeated_work, skip_unread_work

    skip_unread_work()
    reuse_repeated_work()
    summary = SparkBuild()
    started = time.monotonic()
    manifest = _dbt(["parse"]).result
    parents = python_step_parents(manifest)
    steps = [*IDENTITY_STEPS, *CLV_STEPS]
    if sorted(parents) != sorted(steps):
        summary.failures.append(f"Python models {sorted(parents)} != the steps run here {steps}")
        return summary
    identity_inputs = sorted({p for s in IDENTITY_STEPS for p in parents[s]})
    clv_inputs = sorted({p for s in CLV_STEPS for p in parents[s]} - set(steps))
    # The first dbt command opens dbt-spark's session; every later one, and this module, share it.
    _dbt(["show", "--inline", "select 1 as ready"], manifest)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    register_raw_sources(spark, manifest)
    spark.udf.register("c360_jaro_winkler", jaro_winkler, "double")
    summary.seconds["parse_and_start"] = time.monotonic() - started

    done: list[str] = []
    phases = [
        ("identity_inputs", identity_inputs, run_identity_steps),
        ("clv_inputs", clv_inputs, run_clv_steps),
        ("rest", [], None),
    ]
    for phase, models, step in phases:
        began = time.monotonic()
        # dbt-spark cannot run the Python models: the steps below write their tables.
        exclude = ["--exclude", *done, *steps, *left_out]
        if models:
            # Seeds and models only: a test may also read models of a later phase.
            select = ["--select", *[f"+{m}" for m in models]]
            result = _dbt(
                ["build", *select, *exclude, "--resource-type", "seed", "model"], manifest
            )
        else:
            result = _dbt(["build", *exclude, "--exclude", "resource_type:unit_test"], manifest)
        summary.failures += _failures(result)
        summary.data_tests_passed += _passed(result, "test")
        done += [f"+{m}" for m in models]
        summary.seconds[phase] = time.monotonic() - began
        if step is not None:
            began = time.monotonic()
            try:
                step(spark)
            except Exception as error:  # reported with the dbt failures; later phases need it
                summary.failures.append(f"{step.__name__}: {error}")
                break
            summary.seconds[step.__name__] = time.monotonic() - began
    else:
        # Now that every table exists: the data tests of the earlier phases and of the Python
        # steps, and every unit test (their fixtures take column types from the input tables,
        # and the identity models call the Jaro-Winkler function registered above).
        began = time.monotonic()
        tests = ["--select", *done, *steps, "resource_type:unit_test"]
        result = _dbt(["test", *tests, *(["--exclude", *left_out] if left_out else [])], manifest)
        summary.failures += _failures(result)
        summary.data_tests_passed += _passed(result, "test")
        unit_tests = _unit_tests(result)
        summary.unit_tests_passed = sorted(_passed(result, "unit_test"))
        summary.seconds["tests_and_unit_tests"] = time.monotonic() - began
        # Their share of that phase: the unit tests' own seconds, summed over dbt's threads.
        summary.seconds["unit_tests_node_seconds"] = sum(r.execution_time for r in unit_tests)
    summary.seconds["total"] = time.monotonic() - started
    # Kept beside the Spark warehouse: docs/scaling_out.md quotes these figures, and the parity
    # test checks the unit tests that passed against the manifest.
    record = Settings.from_env().home / "spark" / "last_build.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(
        json.dumps(
            {
                **summary.seconds,
                "data_tests": data_tests,
                "failures": summary.failures,
                "data_tests_passed": sorted(summary.data_tests_passed),
                "unit_tests_passed": summary.unit_tests_passed,
            },
            indent=1,
        )
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    """Build on Spark; exit status 1 when a node or step failed."""
    parser = argparse.ArgumentParser(prog="python -m dagster_project.spark_build")
    parser.add_argument(
        "--data-tests",
        choices=("all", "project"),
        default="all",
        help=f"project: leave dbt's built-in generic tests ({', '.join(DBT_BUILT_IN_TESTS)}) to"
        " the DuckDB build",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    summary = build(args.data_tests)
    for phase, seconds in summary.seconds.items():
        logger.info("%-28s %7.1f s", phase, seconds)
    logger.info("data tests passed: %d", len(summary.data_tests_passed))
    logger.info("unit tests passed: %d", len(summary.unit_tests_passed))
    for failure in summary.failures:
        logger.error("FAILED %s", failure)
    return 0 if summary.success else 1


if __name__ == "__main__":
    sys.exit(main())

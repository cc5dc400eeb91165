"""The dbt Python models' library code, run on the Spark driver between dbt commands.

dbt-spark runs Python models only through Databricks submission methods, so the Spark build runs
what each Python model runs (identity, clv) itself: it reads the model's input tables from Spark
into Polars, calls the same functions, and writes the output as a Spark table at the model's
relation. A Python model with no step here stops the build (`python_step_parents`).
"""

from __future__ import annotations

from typing import Any

import polars as pl

IDENTITY_STEPS = ("int_identity_resolution",)
CLV_STEPS = (
    "int_clv_fits",
    "int_customer_clv",
    "int_clv_holdout",
    "clv_fit_quality",
    "clv_holdout_calibration",
)


def _read(spark: Any, name: str) -> pl.DataFrame:
    return pl.from_arrow(spark.table(name).toArrow())


def _write(spark: Any, frame: pl.DataFrame, name: str) -> None:
    # A column with no values has Polars' Null type, which Spark cannot store: make it text.
    frame = frame.with_columns(pl.col(pl.Null).cast(pl.String))
    schema, _ = name.split(".")
    spark.sql(f"create database if not exists {schema}")
    spark.sql(f"drop table if exists {name}")
    spark.createDataFrame(frame.to_arrow()).write.format("parquet").saveAsTable(name)


def run_identity_steps(spark: Any) -> None:
    """int_identity_resolution, as its dbt Python model computes it."""
    from identity import resolution_table, resolve_staged_records

    inputs = [
        _read(spark, name)
        for name in (
            "staging.stg_crm__accounts",
            "staging.stg_crm__contacts",
            "staging.stg_erp__customers",
            "intermediate.int_identity_rule_pairs",
            "intermediate.int_identity_erp_number_pairs",
        )
    ]
    previous = (
        _read(spark, "intermediate.int_customer_bridge").select(
            "customer_key", "source_system", "source_record_id"
        )
        if spark.catalog.tableExists("intermediate.int_customer_bridge")
        else None
    )
    result = resolve_staged_records(*inputs, previous)
    _write(spark, resolution_table(result), "intermediate.int_identity_resolution")


def run_clv_steps(spark: Any) -> None:
    """int_clv_fits, int_customer_clv, int_clv_holdout and the two CLV quality models (clv).

    The Spark build starts from nothing, so it fits on the cadence without stored fits: the
    same fits a full DuckDB rebuild makes (clv.cadence).
    """
    import duckdb

    from clv import (
        deciles_from,
        fit_quality_from,
        fits_with_settings,
        holdout_from_fits,
        read_inputs,
        score_with_settings,
    )

    # read_inputs takes relations; an in-memory DuckDB over the Spark tables' Arrow is one.
    con = duckdb.connect()
    invoice_lines = spark.table("intermediate.int_invoice_lines_costed").toArrow()
    invoices = spark.table("staging.stg_erp__invoices").select("_extract_date").toArrow()
    lines, as_of = read_inputs(con.from_arrow(invoice_lines), con.from_arrow(invoices))
    fits = fits_with_settings(lines, as_of, stored=None)
    _write(spark, fits, "intermediate.int_clv_fits")
    scores = score_with_settings(lines, as_of, fits)
    _write(spark, scores, "intermediate.int_customer_clv")
    holdout = holdout_from_fits(lines, fits, as_of)
    _write(spark, holdout, "intermediate.int_clv_holdout")
    _write(spark, fit_quality_from(scores, holdout), "quality.clv_fit_quality")
    _write(spark, deciles_from(holdout), "quality.clv_holdout_calibration")
    con.close()


def python_step_parents(manifest: Any) -> dict[str, list[str]]:
    """The models each Python model reads, by name: the steps this module runs, in dbt's DAG."""
    return {
        node.name: [manifest.nodes[p].name for p in node.depends_on.nodes if p.startswith("model.")]
        for node in manifest.nodes.values()
        if node.resource_type == "model" and node.language == "python"
    }

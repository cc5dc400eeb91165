"""The harness's arithmetic and Markdown: ratios, targets, tables, the docs' generated block."""

import pytest

from bench import report


def _run(customers=100_000, **stage_overrides):
    stages = {
        "ingestion": {
            "wall_s": 30.0,
            "cpu_s": 36.0,
            "peak_mb": 2_800,
            "rows": 9_000_000,
            "files": 640,
        },
        "dbt_build": {"wall_s": 200.0, "cpu_s": 300.0, "peak_mb": 4_000, "nodes": 259},
        "full_refresh": {
            "wall_s": 500.0,
            "cpu_s": 700.0,
            "peak_mb": 5_000,
            "rows_loaded": 9,
            "files_loaded": 1,
        },
        "incremental_refresh": {
            "wall_s": 90.0,
            "cpu_s": 100.0,
            "peak_mb": 3_000,
            "rows_loaded": 5,
            "files_loaded": 1,
        },
    } | stage_overrides
    run = {
        "customers": customers,
        "stages": stages,
        "baselines": {
            "duckdb_read": {
                "wall_s": 15.0,
                "cpu_s": 16.0,
                "peak_mb": 500,
                "rows": 8_000_000,
                "files": 630,
            },
            "dlt": {"skipped": "dlt did not install: no network"},
            "dbt_same_nodes": {"wall_s": 160.0, "cpu_s": 150.0, "peak_mb": 900, "nodes": 219},
            "dbt_direct": {
                "wall_s": 130.0,
                "cpu_s": 1,
                "peak_mb": 1,
                "statements": 219,
                "sql_s": 120.0,
                "excluded_s": 40.0,
            },
        },
    }
    return run | {"ratios": report.ratios(run)}


def test_ratios_compare_rates_overhead_and_the_incremental_share():
    ratios = _run()["ratios"]
    # 300,000 rows/s against 533,333 rows/s
    assert ratios["ingestion_vs_duckdb_read"] == 0.56
    # per CPU second: 250,000 rows/s against 500,000
    assert ratios["ingestion_vs_duckdb_read_cpu"] == 0.5
    assert ratios["ingestion_vs_dlt"] is None  # skipped, not zero
    # dbt's 160 s on the SQL nodes against 120 s of the same SQL in one connection
    assert ratios["dbt_overhead"] == 0.25
    # CPU: 150 s for dbt, 1 s for the direct run (see _run)
    assert ratios["dbt_overhead_cpu"] == round(1 - 1 / 150, 3)
    assert ratios["incremental_fraction"] == 0.18


def test_stage_table_has_a_row_per_measured_stage_and_says_why_a_baseline_was_skipped():
    table = report.stage_table([_run(10_000)])
    lines = table.splitlines()
    assert "| 10,000 | ingestion | 30.0 | 36.0 | 2,800 | 9,000,000 rows, 640 files |" in lines
    dlt = "| 10,000 | baseline: dlt filesystem source into DuckDB | – | – | – |"
    assert f"{dlt} dlt did not install: no network |" in lines
    assert len(lines) == 2 + 4 + 4
    assert "generation" not in table  # not measured in this run, so no row


def test_the_docs_block_is_replaced_in_place_and_appended_when_missing():
    old = f"# Benchmarks\n\nintro\n\n{report.BEGIN}\nold table\n{report.END}\n\n## Later\n"
    replaced = report.replace_block(old, f"{report.BEGIN}\nnew\n{report.END}")
    assert replaced == f"# Benchmarks\n\nintro\n\n{report.BEGIN}\nnew\n{report.END}\n\n## Later\n"
    appended = report.replace_block("# Benchmarks\n", "BLOCK")
    assert appended == "# Benchmarks\n\nBLOCK\n"


def test_a_new_run_replaces_the_same_size_and_keeps_the_others():
    previous = [{"customers": 10_000, "tag": "old"}, {"customers": 100_000, "tag": "old"}]
    merged = report.merge_runs(previous, [{"customers": 10_000, "tag": "new"}])
    assert merged == [{"customers": 10_000, "tag": "new"}, {"customers": 100_000, "tag": "old"}]


@pytest.mark.parametrize("missing", ["full_refresh", "incremental_refresh"])
def test_no_incremental_share_without_both_refreshes(missing):
    run = _run()
    del run["stages"][missing]
    assert report.ratios(run)["incremental_fraction"] is None


@pytest.mark.parametrize(
    "ingestion",
    [{"ingest": 3.25}, {"ingest_crm": 1.25, "ingest_erp": 2.0}],  # now; results measured before
    ids=["one-step", "a-step-per-source"],
)
def test_a_refresh_row_says_where_its_time_went(ingestion):
    steps = ingestion | {"ingestion_quality": 0.5, "dbt_build": 50.0}
    refresh = _run()["stages"]["incremental_refresh"] | {
        "steps": steps | {"serving__current": 0.25},
        "dbt_elapsed_s": 41.0,
        "before_steps_s": 3.5,
    }
    assert report.detail("incremental_refresh", refresh) == (
        "1 files, 5 rows loaded; Dagster: run set-up 3.5 s, ingestion 3.2 s, load checks 0.5 s, "
        "dbt step 50.0 s (dbt's own run 41.0 s), publishing 0.2 s"
    )


def test_a_stage_of_several_processes_shows_their_sum_as_its_peak():
    ingestion = _run()["stages"]["ingestion"] | {"peak_mb": 900, "tree_peak_mb": 1_500}
    table = report.stage_table([_run(ingestion=ingestion)])

    [row] = [line for line in table.splitlines() if "| ingestion |" in line]
    assert row.split(" | ")[4] == "1,500"


def test_a_refresh_with_nothing_new_is_a_row_of_its_own_without_steps():
    # what `c360 refresh` measures when nothing landed: no run, so no Dagster steps
    nothing_new = {
        "wall_s": 7.7,
        "cpu_s": 7.9,
        "peak_mb": 340,
        "tree_peak_mb": 353,
        "success": True,
        "up_to_date": True,
        "files_loaded": 0,
        "steps": {},
    }
    table = report.stage_table([_run(nothing_new_refresh=nothing_new)])

    [row] = [line for line in table.splitlines() if "nothing new" in line]
    assert row == (
        "| 100,000 | refresh with nothing new (nothing run or published) | 7.7 | 7.9 | 353 "
        "| up to date: no Dagster run, no dbt build, nothing published |"
    )


def test_a_refreshes_only_run_renders_its_rows_and_keeps_the_other_sizes():
    # `c360 bench --refreshes-only` at a million: generation and the three refreshes, no
    # baselines and no build profile; the 100,000-customer entry of an earlier run stays.
    refresh = {"rows_loaded": 5, "files_loaded": 1, "before_steps_s": 6.0, "dbt_elapsed_s": 400.0}
    refresh |= {"steps": {"dbt_build": 410.0}}
    million = {
        "customers": 1_000_000,
        "measured_at": "2026-12-04T21:00:00+00:00",
        "load_before": [1.0, 1.0, 1.0],
        "load_after": [2.0, 2.0, 2.0],
        "stages": {
            "full_refresh": {"wall_s": 700.0, "cpu_s": 900.0, "peak_mb": 6_000} | refresh,
            "incremental_refresh": {"wall_s": 420.0, "cpu_s": 500.0, "peak_mb": 7_000} | refresh,
        },
        "baselines": {},
        "profile": [],
    }
    million |= {"ratios": report.ratios(million)}
    earlier = _run() | {"measured_at": "x", "load_before": [], "load_after": [], "profile": []}
    runs = report.merge_runs([earlier], [million])
    machine = {"cpu_model": "AMD EPYC", "cpus": 2, "memory_gb": 23.5, "python": "3.11.7"}
    block = report.render({"machine": machine, "runs": runs})
    assert "| 1,000,000 | full refresh, `c360 refresh` | 700.0 | 900.0 | 6,000 |" in block
    assert "| 1,000,000 | day's refresh / full refresh, 1,000,000 customers | 0.60 |" in block
    assert "| 1,000,000 | full refresh / (DuckDB read + direct SQL) floor, 100,000 | not" in block
    assert "| 100,000 | ingestion |" in block

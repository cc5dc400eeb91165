"""The targets a `c360 bench` run is held to, each computed from figures of that same run.

Issue 23's rows (a refresh does the day's work) and the earlier rows that still apply (ingestion
against DuckDB's readers, dbt's overhead). A row whose figure the run did not measure, or that
belongs to another size, says "not measured" rather than passing or failing. Pure functions of
the results JSON, unit-tested on synthetic runs.
"""

from __future__ import annotations

from collections.abc import Mapping

NOTHING_NEW_TARGET_S = 5.0
DAY_SHARE_TARGETS = {100_000: 0.20, 1_000_000: 0.10}
FLOOR_SIZE, FLOOR_TARGET = 100_000, 1.3
MILLION = 1_000_000
FULL_REFRESH_TARGET_S = 600
PEAK_TARGET_MB = 8 * 1024
INTRADAY_SIZE, INTRADAY_TARGET_S = 100_000, 60.0
INGESTION_TARGET = 0.5
DBT_OVERHEAD_TARGET = 0.30
REFRESHES = ("full_refresh", "incremental_refresh", "nothing_new_refresh")

Row = tuple[str, str, str, bool | None]


def _at(run: Mapping, size: int, label: str, value: float | None, text: str, target: float) -> Row:
    """A row held at one size: "not measured" at other sizes or without the figure."""
    if run["customers"] != size or value is None:
        return (label, "not measured", f"< {text}", None)
    return (label, _shown(value, text), f"< {text}", value < target)


def _shown(value: float, target_text: str) -> str:
    """The figure in the unit of its target text."""
    if target_text.endswith(" GB"):
        return f"{value / 1024:.1f} GB"
    if target_text.endswith(" min"):
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes} min {seconds:02d} s"
    if target_text.endswith(" s"):
        return f"{value:.1f} s"
    return f"{value:.2f}"


def floor_fraction(run: Mapping) -> float | None:
    """Full refresh over its floor; None unless the run measured all three figures.

    The floor is DuckDB's `read_*` of every file plus the compiled SQL run directly in one
    connection, both measured in the same run.
    """
    stages, baselines = run["stages"], run.get("baselines", {})
    full, read, direct = (
        stages.get("full_refresh"),
        baselines.get("duckdb_read"),
        baselines.get("dbt_direct"),
    )
    if not (full and read and direct) or "wall_s" not in read or "sql_s" not in direct:
        return None
    return round(full["wall_s"] / (read["wall_s"] + direct["sql_s"]), 3)


def refresh_peak_mb(run: Mapping) -> int | None:
    """The largest memory of any refresh of the run.

    The whole process tree's sum (Dagster, dbt, DuckDB) where sampled, else the largest single
    process.
    """
    peaks = [
        m.get("tree_peak_mb", m["peak_mb"])
        for key in REFRESHES
        if (m := run["stages"].get(key)) and "peak_mb" in m
    ]
    return max(peaks) if peaks else None


def _wall(run: Mapping, key: str) -> float | None:
    measured = run["stages"].get(key)
    return measured["wall_s"] if measured and "wall_s" in measured else None


def issue_23_rows(run: Mapping) -> list[Row]:
    """The seven rows of issue 23's targets table, in its order."""
    nothing_new = _wall(run, "nothing_new_refresh")
    share = run["ratios"].get("incremental_fraction")
    rows: list[Row] = [
        (
            "refresh with nothing new",
            "not measured" if nothing_new is None else f"{nothing_new:.1f} s",
            f"< {NOTHING_NEW_TARGET_S:.0f} s, any size",
            None if nothing_new is None else nothing_new < NOTHING_NEW_TARGET_S,
        )
    ]
    for size, target in DAY_SHARE_TARGETS.items():
        label = f"day's refresh / full refresh, {size:,} customers"
        rows.append(_at(run, size, label, share, f"{target:.2f}", target))
    rows += [
        _at(
            run,
            FLOOR_SIZE,
            f"full refresh / (DuckDB read + direct SQL) floor, {FLOOR_SIZE:,}",
            floor_fraction(run),
            f"{FLOOR_TARGET}",
            FLOOR_TARGET,
        ),
        _at(
            run,
            MILLION,
            f"full refresh, {MILLION:,} customers",
            _wall(run, "full_refresh"),
            f"{FULL_REFRESH_TARGET_S // 60} min",
            FULL_REFRESH_TARGET_S,
        ),
        _at(
            run,
            MILLION,
            f"peak memory of a refresh, {MILLION:,} customers",
            refresh_peak_mb(run),
            f"{PEAK_TARGET_MB // 1024} GB",
            PEAK_TARGET_MB,
        ),
        _at(
            run,
            INTRADAY_SIZE,
            f"intra-day delivery to dashboards, {INTRADAY_SIZE:,}",
            _wall(run, "intraday_delivery"),
            f"{INTRADAY_TARGET_S:.0f} s",
            INTRADAY_TARGET_S,
        ),
    ]
    return rows


def earlier_rows(run: Mapping) -> list[Row]:
    """Ingestion against DuckDB's own readers and dbt's overhead (wall and CPU)."""
    found = run["ratios"]
    checks = (
        ("ingestion rate vs DuckDB read_csv", "ingestion_vs_duckdb_read", ">= 0.50"),
        ("the same per CPU second", "ingestion_vs_duckdb_read_cpu", ">= 0.50"),
        ("dbt overhead share of build time", "dbt_overhead", "< 0.30"),
        ("the same in CPU seconds", "dbt_overhead_cpu", "< 0.30"),
    )
    rows: list[Row] = []
    for label, key, text in checks:
        value = found.get(key)
        if value is None:
            rows.append((label, "not measured", text, None))
            continue
        if key.startswith("ingestion"):
            met: bool | None = value >= INGESTION_TARGET
        else:  # dbt faster than the direct run (two threads, other load): no verdict
            met = value < DBT_OVERHEAD_TARGET if value >= 0 else None
        rows.append((label, f"{value:.2f}", text, met))
    return rows


def targets(run: Mapping) -> list[Row]:
    """(figure, measured, target, met) for every target; met None when not measured."""
    return issue_23_rows(run) + earlier_rows(run)

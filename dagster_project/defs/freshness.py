"""Freshness per source: hours since the newest extract that was loaded, against a threshold.

An extract dated D holds the source as of D, so its age is measured from D 00:00 UTC. A stale
source is a warning, not a blocking failure: yesterday's warehouse is still the best answer
readers can get, and the refresh's other checks say whether it is a correct one.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl

from ingestion.load_log import LOADED

FRESHNESS_SUFFIX = "_freshness"


def freshness_check_name(source: str) -> str:
    """`crm_freshness`: one check per source, on the load log asset."""
    return f"{source}{FRESHNESS_SUFFIX}"


def freshness_specs(sources: list[str], asset: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    """The non-blocking freshness check of every source."""
    return [
        dg.AssetCheckSpec(
            name=freshness_check_name(source),
            asset=asset,
            blocking=False,
            description=(
                f"Hours since the newest {source.upper()} extract that was loaded "
                "(from its date, 00:00 UTC) stay within C360_FRESHNESS_HOURS."
            ),
        )
        for source in sources
    ]


def source_freshness(
    log: pl.DataFrame, source: str, now: dt.datetime, threshold_hours: float
) -> tuple[bool, dt.date | None, float | None]:
    """(fresh, newest loaded extract date, its age in hours) of one source in the load log."""
    loaded = log.filter((pl.col("source") == source) & (pl.col("status") == LOADED))
    newest = loaded["extract_date"].max() if loaded.height else None
    if newest is None:
        return False, None, None
    since = dt.datetime.combine(newest, dt.time(), tzinfo=dt.UTC)
    hours = round((now - since).total_seconds() / 3600, 1)
    return hours <= threshold_hours, newest, hours


def freshness_results(
    log: pl.DataFrame, sources: list[str], asset: dg.AssetKey, threshold_hours: float
) -> list[dg.AssetCheckResult]:
    """One warning-severity result per source, with the age and the threshold as metadata."""
    now = dt.datetime.now(dt.UTC)
    results = []
    for source in sources:
        fresh, newest, hours = source_freshness(log, source, now, threshold_hours)
        results.append(
            dg.AssetCheckResult(
                asset_key=asset,
                check_name=freshness_check_name(source),
                passed=fresh,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "newest_extract": str(newest) if newest else "none loaded",
                    "hours_old": hours if hours is not None else -1.0,
                    "threshold_hours": threshold_hours,
                },
                description=(
                    f"newest {source} extract {newest}, {hours} h old "
                    f"(threshold {threshold_hours} h)"
                    if newest
                    else f"no {source} extract loaded yet"
                ),
            )
        )
    return results

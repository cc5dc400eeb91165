"""Each dashboard page's queries, run cold and timed as the page runs them.

The loaders of `dashboards.queries` are called exactly as each page calls them, with the loader
cache cleared before each repetition: what a reader waits for on the first view after a
publication. Customer 360 rotates over the 50 biggest customers. Used by
`bench/dashboard_bench.py` and by the harness (`c360 bench`) on the warehouse it refreshed.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable

TARGET_P95_MS = 300


def say(text: str) -> None:
    """One progress line, flushed at once: a benchmark runs for minutes."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _pages(version: str) -> dict[str, Callable[[int], None]]:
    """Page name -> one cold run of everything the page queries (argument: repetition)."""
    from c360.access import EVERY_CUSTOMER
    from dashboards.data import query
    from dashboards.filters import Filters, complete_months, options
    from dashboards.queries import (
        acquisition,
        customer,
        overview,
        pipeline,
        profitability,
        projects,
        quality,
        retention,
        sql,
    )
    from dashboards.queries.retention import months_back

    keys = query(
        "select customer_key, erp_customer_number from marts.dim_customers "
        "order by lifetime_net_revenue desc nulls last limit 50",
        version,
    ).rows()
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    month = complete_months(version)[0]  # the pages open on the last complete month

    def filter_choices() -> None:
        complete_months(version)
        for column in ("segment", "country_code", "acquisition_channel"):
            options(column, version)

    def overview_page(_: int) -> None:
        filter_choices()
        overview.run_all(version, Filters())

    def customer_page(i: int) -> None:
        key, number = keys[i % len(keys)]
        filter_choices()
        customer.search(version, "", Filters(), EVERY_CUSTOMER)  # the page as it opens
        customer.run_all(version, Filters(), key, number)  # then a search by ERP number

    def profitability_page(_: int) -> None:
        filter_choices()
        profitability.run_all(version, Filters(), month)

    def acquisition_page(_: int) -> None:
        filter_choices()
        acquisition.run_all(version, Filters())

    def retention_page(_: int) -> None:
        filter_choices()
        retention.run_all(version, Filters(), month)

    def pipeline_page(_: int) -> None:
        complete_months(version)
        pipeline.run_all(version, months_back(month, 11), month)

    def projects_page(_: int) -> None:
        filter_choices()
        projects.run_all(version, Filters(), month)

    def quality_page(_: int) -> None:
        quality.run_all(version, now)

    def sql_page(_: int) -> None:
        sql.tables(version)
        sql.columns(version, "marts.dim_customers")
        sql.run_limited(
            version,
            "select * from marts.rpt_kpi_monthly order by month desc",
            row_limit=1000,
            seconds=10,
        )

    return {
        "overview": overview_page,
        "profitability": profitability_page,
        "acquisition": acquisition_page,
        "retention": retention_page,
        "pipeline": pipeline_page,
        "projects": projects_page,
        "customer_360": customer_page,
        "data_quality": quality_page,
        "sql": sql_page,
    }


def time_pages(version: str, repeat: int, label: str = "") -> dict:
    """p50/p95/max in ms of each page's queries on `version`, loader cache cleared each time.

    Also called by the harness (`c360 bench`) on the warehouse it refreshed.
    """
    from dashboards.data import query

    pages = {}
    for name, run_page in _pages(version).items():
        timings = []
        for i in range(repeat):
            query.clear()
            started = time.perf_counter()
            run_page(i)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        pages[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(p95, 1),
            "max_ms": round(timings[-1], 1),
            "meets_target": p95 < TARGET_P95_MS,
        }
        say(f"{label}  {name:<13} {pages[name]}")
    return pages

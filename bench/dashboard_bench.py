"""Dashboard benchmark: p50 and p95 of each page's queries on a published warehouse.

    .venv/bin/python bench/dashboard_bench.py --customers 10000 [100000] [--repeat 30]
    .venv/bin/python bench/dashboard_bench.py --browser --home <C360_HOME> [--opens 2]

For each size a company is generated (4 daily extracts from 2026-09-01, typical defects),
refreshed and published once under bench/.data (reused on later runs). Then every page's queries
run `--repeat` times, exactly as the page runs them (the loaders of dashboards.queries), with the
loader cache cleared before each repetition: what a reader waits for on the first view after a
publication. Customer 360 rotates over the 50 biggest customers. Target (issue 8): p95 under
300 ms per page's queries. Results go to bench/results/<--results, default dashboards>.json;
`--home` uses an already published C360_HOME (read only) instead of generating one.

`--browser` times whole pages instead: `c360 serve` over an already published C360_HOME (read
only), then Debian's chromium opens every page in turn, `--opens` rounds, each timed by the
browser test's `open_page` (until the page's script has stopped and no element is still
loading, for a second). The first round's first page includes the server's first script run.
Target (issue 8): under 2 s a page. Results go to bench/results/<--results>-browser.json, with
the load average at each open (other work shares the machine's two cores).

The pages' queries are `dashboard_pages.py`, the browser rounds `dashboard_browser.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path

from bench.dashboard_browser import TARGET_PAGE_S, browser
from bench.dashboard_pages import TARGET_P95_MS, say, time_pages
from bench.scratch import scratch_dir

BENCH_DIR = Path(__file__).parent
SEED = 42


def _published(customers: int) -> Path:
    """A generated, refreshed and published company per size under bench/.data, built once."""
    home = scratch_dir() / f"dashboards-c{customers}"
    os.environ["C360_HOME"] = str(home)
    from c360.settings import Settings

    settings = Settings.from_env()
    if settings.current_pointer.exists():
        return home
    from dagster_project.run_refresh import run_refresh
    from ingestion.generator import generate_company

    settings.export_to_environ()
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    if not settings.landing_dir.is_dir():
        generate_company(
            settings.landing_dir,
            settings.truth_dir,
            customers=customers,
            seed=SEED,
            start=dt.date(2026, 9, 1),
            days=4,
            defects="typical",
        )
    started = time.perf_counter()
    summary = run_refresh(settings)
    if not summary.success:
        raise SystemExit(f"refresh failed: {summary.failures + summary.checks_failed}")
    say(f"refreshed {customers} customers in {time.perf_counter() - started:.0f} s")
    return home


def bench(customers: int, repeat: int, home: Path | None = None) -> dict:
    """p50/p95/max in ms of each page's queries at `customers`, loader cache cleared each time.

    `home` is an already published C360_HOME to use instead of bench/.data's (read only).
    """
    if home is None:
        home = _published(customers)
    else:
        os.environ["C360_HOME"] = str(home)
    from dashboards.data import current_version, query

    version = current_version()
    rows = query(
        "select (select count(*) from marts.dim_customers) as customers, "
        "(select count(*) from marts.fct_invoice_lines) as invoice_lines, "
        "(select count(*) from marts.fct_customer_activity_timeline) as timeline_events",
        version,
    ).row(0, named=True)
    pages = time_pages(version, repeat, label=f"{customers:>7} customers")
    return {
        "customers": customers,
        "rows": rows,
        "serving_file_mb": round((home / "warehouse/serving" / version).stat().st_size / 2**20, 1),
        "repeat": repeat,
        "pages": pages,
    }


def main() -> None:
    """Parse sizes, run, write bench/results/dashboards.json (or dashboards-browser.json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--browser", action="store_true", help="time whole pages in chromium")
    parser.add_argument(
        "--home", type=Path, help="an already published C360_HOME (one --customers size)"
    )
    parser.add_argument(
        "--results", default="dashboards", help="results file bench/results/<name>.json"
    )
    parser.add_argument("--opens", type=int, default=2, help="rounds over the pages (--browser)")
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    if args.browser:
        if args.home is None:
            parser.error("--browser needs --home, a C360_HOME with a published warehouse")
        result = browser(args.home.resolve(), args.opens)
        (BENCH_DIR / "results" / f"{args.results}-browser.json").write_text(
            json.dumps(
                {
                    "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                    "command": "bench/dashboard_bench.py " + " ".join(sys.argv[1:]),
                    "target_page_s": TARGET_PAGE_S,
                    **result,
                },
                indent=2,
            )
            + "\n"
        )
        return
    home = args.home.resolve() if args.home else None
    runs = [bench(n, args.repeat, home) for n in args.customers]
    results = BENCH_DIR / "results" / f"{args.results}.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(
        json.dumps(
            {
                "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "command": "bench/dashboard_bench.py " + " ".join(sys.argv[1:]),
                "target_p95_ms": TARGET_P95_MS,
                "runs": runs,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

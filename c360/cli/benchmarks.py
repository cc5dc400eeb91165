"""`c360 bench` and `c360 soak`: the benchmark harness and the month of messy days."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from c360.cli.arguments import AT_LEAST_ONE, AT_LEAST_ZERO, positive_number
from c360.cli.output import err as _err
from c360.cli.output import out as _out
from c360.settings import Settings

if TYPE_CHECKING:
    pass


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    """Measure every refresh stage with baselines; results JSON and docs/benchmarks.md tables."""
    from bench.harness import BenchOptions, render_only, run

    options = BenchOptions(
        customers=args.customers,
        days=args.days,
        seed=args.seed,
        repeat=args.repeat,
        name=args.name,
        dlt=not args.no_dlt,
        dlt_max_customers=args.dlt_max_customers,
        refreshes_only=args.refreshes_only,
    )
    results = render_only(options) if args.render_only else run(options, _err)
    _out(f"results in {results}")
    runs = json.loads(results.read_text())["runs"]
    failed = [r for r in runs if r.get("failed") and r["customers"] in options.customers]
    for entry in failed:
        _err(f"{entry['customers']:,} customers stopped by a failed step: {entry['failed']}")
    return 1 if failed else 0


def cmd_soak(args: argparse.Namespace, settings: Settings) -> int:
    """A month of messy days: daily deliveries with damaged files, a refresh each, a rebuild."""
    from bench.soak import SoakOptions, run_soak

    options = SoakOptions(
        customers=args.customers,
        days=args.days,
        seed=args.seed,
        mutations_per_day=args.mutations,
        max_minutes=args.minutes,
        land_days=args.land_days,
    )
    _out(f"results in {run_soak(options, _err)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add these commands to the `c360` parser."""
    bench = sub.add_parser("bench", help=cmd_bench.__doc__)
    bench.add_argument("--customers", type=AT_LEAST_ONE, nargs="+", default=[10_000])
    bench.add_argument(
        "--days", type=AT_LEAST_ONE, default=30, help="daily extracts of the full refresh"
    )
    bench.add_argument("--seed", type=AT_LEAST_ZERO, default=42)
    bench.add_argument(
        "--repeat", type=AT_LEAST_ONE, default=20, help="runs of each dashboard page"
    )
    bench.add_argument("--name", default="refresh", help="results file bench/results/<name>.json")
    bench.add_argument("--no-dlt", action="store_true", help="skip the dlt baseline")
    bench.add_argument(
        "--refreshes-only",
        action="store_true",
        help="only generation and the full, day's and nothing-new refreshes (the million's targets;"
        " every stage and baseline would take hours there)",
    )
    bench.add_argument(
        "--render-only",
        action="store_true",
        help="only regenerate docs/benchmarks.md from bench/results/<name>.json",
    )
    bench.add_argument(
        "--dlt-max-customers",
        type=AT_LEAST_ZERO,
        default=1_000,
        help="run the dlt baseline only up to this size (default 1000: it needs ~2 MB a customer)",
    )
    bench.set_defaults(func=cmd_bench)

    soak = sub.add_parser("soak", help=cmd_soak.__doc__)
    soak.add_argument(
        "--customers", type=AT_LEAST_ONE, default=1_000, help="customers (default 1000)"
    )
    soak.add_argument("--days", type=AT_LEAST_ONE, default=30, help="daily deliveries (default 30)")
    soak.add_argument("--seed", type=AT_LEAST_ZERO, default=42)
    soak.add_argument(
        "--mutations", type=AT_LEAST_ZERO, default=2, help="files damaged a day (default 2)"
    )
    soak.add_argument(
        "--minutes",
        type=positive_number,
        default=None,
        help="land no more days once the next would pass this budget (default: all days)",
    )
    soak.add_argument(
        "--land-days",
        type=AT_LEAST_ONE,
        default=None,
        help="land only the first N generated days (same company and damage; default all)",
    )
    soak.set_defaults(func=cmd_soak)

"""Benchmark the sample-company generator: wall time and peak memory per company size.

    .venv/bin/python bench/generate_bench.py --customers 10000 100000
    .venv/bin/python bench/generate_bench.py --plausibility

Each size runs in its own subprocess, so its peak resident memory is that process's alone
(`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`, read after the child exits, is the largest of
the children so far; sizes run smallest first, so it is the current one's). Results go to
`bench/results/generate.json` and a Markdown table to stdout. `--plausibility` instead generates
the default company (500 customers, 30 days, 36 months) and prints its business figures from
the ground truth.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "generate.json"
CHILD = """
import sys
from pathlib import Path
from ingestion.generator import generate_company
root = Path(sys.argv[1])
summary = generate_company(
    root / "landing", root / "truth", customers=int(sys.argv[2]), defects=sys.argv[3]
)
print(sum(summary.rows_by_entity.values()), summary.files_written)
"""


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_size(customers: int, defects: str) -> dict[str, object]:
    """Generate one company in a child process; its wall time, peak memory and output size."""
    with tempfile.TemporaryDirectory(prefix="c360-bench-") as folder:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, folder, str(customers), defects],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        rows, files = (int(x) for x in done.stdout.split())
        landing_mb = _folder_bytes(Path(folder) / "landing") / 1e6
    return {
        "customers": customers,
        "defects": defects,
        "seconds": round(seconds, 1),
        "peak_memory_mb": round(peak_kib / 1024),
        "rows": rows,
        "files": files,
        "landing_mb": round(landing_mb),
    }


def markdown(results: list[dict[str, object]]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| customers | defects | wall time (s) | peak memory (MB) | rows written | files "
        "| landing (MB) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['customers']:,} | {r['defects']} | {r['seconds']} | {r['peak_memory_mb']:,} "
            f"| {r['rows']:,} | {r['files']:,} | {r['landing_mb']:,} |"
        )
    return "\n".join(lines)


def plausibility_report() -> None:
    """Generate the default company and print its business figures from the ground truth."""
    from ingestion.generator import generate_company
    from ingestion.generator.plausibility import plausibility

    with tempfile.TemporaryDirectory(prefix="c360-plausibility-") as folder:
        root = Path(folder)
        generate_company(root / "landing", root / "truth", customers=500)
        figures = plausibility(root / "truth")
    _out("| figure (last 12 complete months) | value |")
    _out("| --- | ---: |")
    for name, value in figures.items():
        _out(f"| {name} | {value:,.1f} |")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or the plausibility report) from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--defects", default="typical", choices=["none", "typical", "heavy"])
    parser.add_argument("--plausibility", action="store_true")
    args = parser.parse_args(argv)
    if args.plausibility:
        plausibility_report()
        return 0
    results = []
    for customers in sorted(args.customers):
        results.append(run_size(customers, args.defects))
        _out(f"{customers:,} customers: {results[-1]['seconds']} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version()}
    payload = {"machine": machine, "results": results}
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    _out()
    _out(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

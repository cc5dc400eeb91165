"""The dlt baseline of `c360 bench`: dlt's filesystem source into DuckDB, in a venv of its own.

dlt is not a project dependency: the harness makes a throwaway venv under the bench data folder
once (`python -m venv` and pip) and runs `bench/dlt_load.py` with it. When dlt does not install,
or the load fails (its records path runs out of memory above ~1,000 customers), the result says
why and the run goes on.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench.child import failure_reason, measure_child
from bench.scratch import empty_folder

if TYPE_CHECKING:
    from bench.harness import BenchOptions

DLT_REQUIREMENTS = ["dlt[duckdb,filesystem]", "pandas", "pyarrow"]


def dlt_python(data_dir: Path) -> tuple[Path | None, str]:
    """The Python of a venv with dlt under `data_dir` (made once), or None and why not."""
    venv = data_dir / "dlt-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = subprocess.run([str(python), "-c", "import dlt, pandas, pyarrow"], capture_output=True)
    if check.returncode != 0:
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *DLT_REQUIREMENTS],
            capture_output=True,
            text=True,
        )
        if installed.returncode != 0:
            lines = installed.stderr.strip().splitlines()
            return None, "dlt did not install: " + (lines[-1] if lines else "pip failed")
    version = subprocess.run(
        [str(python), "-c", "import dlt; print(dlt.__version__)"], capture_output=True, text=True
    )
    return python, f"dlt {version.stdout.strip()}"


def dlt_baseline(options: BenchOptions, customers: int, root: Path, home: Path) -> dict:
    """The dlt baseline: its filesystem source into DuckDB, or why it was not run."""
    if customers > options.dlt_max_customers:
        reason = f"not run above {options.dlt_max_customers:,} customers (--dlt-max-customers)"
        return {"skipped": reason}
    python, why = dlt_python(options.data_dir)
    if python is None:
        return {"skipped": why}
    work = empty_folder(root / "dlt")
    script = Path(__file__).with_name("dlt_load.py")
    try:
        return measure_child([str(script), str(home / "landing"), str(work)], python=python) | {
            "version": why
        }
    except RuntimeError as exc:  # out of memory (see dlt_load.MEMORY_LIMIT) or a bug
        return {"skipped": f"{why} failed: {failure_reason(exc, 200)}"}
    finally:
        shutil.rmtree(work, ignore_errors=True)

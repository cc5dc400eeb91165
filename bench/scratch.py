"""Where benchmarks keep their generated companies: under C360_HOME, never inside the checkout.

The harness is installed with the package; an installed package that wrote into its own source
folder would write into site-packages, or into someone's clone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from c360.settings import Settings


def scratch_dir() -> Path:
    """`<C360_HOME>/bench`: generated companies, the dlt venv, one folder per size."""
    return Settings.from_env().home / "bench"


def empty_folder(path: Path) -> Path:
    """`path` as an empty folder (what an earlier, perhaps interrupted, run left is removed)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path

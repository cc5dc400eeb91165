"""Valid extracts of each format, generated once per session, for the fuzz tests to mutate.

Hypothesis profiles: `ci` (the default: a bounded number of examples, the same on every run,
so `make test` stays fast and reproducible) and `fuzz` (`make fuzz`, C360_FUZZ_PROFILE=fuzz:
many more; C360_FUZZ_EXAMPLES=n sets another count). No example database is written, so a run
leaves nothing behind; a failure prints its minimal example, which becomes a
named test in `tests/ingestion/test_fuzz_findings.py`.
"""

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from ingestion.generator import generate_company

_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
# `make test` gates every change: its examples are the same on every run (derandomize), so a red
# run is reproducible; `make fuzz` explores new ones.
settings.register_profile("ci", max_examples=30, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=1500, **_COMMON)
FUZZ = settings(
    settings.get_profile(os.environ.get("C360_FUZZ_PROFILE", "ci")),
    **(
        {"max_examples": int(os.environ["C360_FUZZ_EXAMPLES"])}
        if os.environ.get("C360_FUZZ_EXAMPLES")
        else {}
    ),
)
"""The settings every fuzz test runs with (a decorator); C360_FUZZ_EXAMPLES overrides the count."""

EXTRACT_DAY = "2026-09-01"
# Base files are cut to this many records: mutations and shrinking work on a few kilobytes.
MAX_RECORDS = 40


@dataclass(frozen=True)
class Extract:
    """One valid extract file to mutate, and a clean file of the same delivery to load beside it."""

    source: str
    name: str
    data: bytes
    companion: str
    companion_data: bytes


def _head(data: bytes, lines: int) -> bytes:
    return b"".join(data.splitlines(keepends=True)[: lines + 1])


@pytest.fixture(scope="session")
def extracts(tmp_path_factory) -> dict[str, Extract]:
    """CRM CSV, CRM JSON Lines, ERP Windows-1252 CSV and GL Parquet of a tiny generated company."""
    root = tmp_path_factory.mktemp("fuzz_company")
    generate_company(
        root / "landing",
        root / "truth",
        customers=12,
        seed=3,
        start=dt.date.fromisoformat(EXTRACT_DAY),
        days=1,
        defects="none",
    )

    def read(source: str, name: str) -> bytes:
        return (root / "landing" / source / EXTRACT_DAY / name).read_bytes()

    def extract(source: str, name: str, companion: str) -> Extract:
        data = read(source, name)
        if not name.endswith(".parquet"):
            data = _head(data, MAX_RECORDS)
        return Extract(source, name, data, companion, read(source, companion))

    return {
        "crm_csv": extract("crm", "accounts.csv", "users.csv"),
        "crm_jsonl": extract("crm", "activities.jsonl", "users.csv"),
        "erp_csv": extract("erp", "customers.csv", "fx_rates.csv"),
        "gl_parquet": extract("erp", "gl_entries.parquet", "fx_rates.csv"),
    }


def landing_with(root: Path, extract: Extract, data: bytes) -> Path:
    """A landing folder holding the mutated file and its clean companion, same delivery."""
    folder = root / "landing" / extract.source / EXTRACT_DAY
    folder.mkdir(parents=True)
    (folder / extract.name).write_bytes(data)
    (folder / extract.companion).write_bytes(extract.companion_data)
    return root / "landing"

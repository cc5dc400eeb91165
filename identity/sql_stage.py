"""The SQL rule stage run by dbt outside a refresh, for tests and benchmarks on a raw area.

A refresh builds everything; a test or a benchmark of identity resolution needs only the three
staging views and the identity SQL models (`dbt run --select +int_identity_rule_pairs`), on a
warehouse of its own, and then the tables the Python step reads.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

RULE_STAGE_SELECTOR = "+int_identity_rule_pairs"


@dataclass(frozen=True)
class StagedIdentity:
    """The inputs of `resolve_identities` as a refresh hands them over, and the SQL records.

    crm_accounts, crm_contacts, erp_customers: the staging models. rule_pairs,
    erp_number_pairs: the SQL stage's tables. records: `int_identity_records` (the SQL
    normalisation, compared with the Python one in tests).
    """

    crm_accounts: pl.DataFrame
    crm_contacts: pl.DataFrame
    erp_customers: pl.DataFrame
    rule_pairs: pl.DataFrame
    erp_number_pairs: pl.DataFrame
    records: pl.DataFrame

    @property
    def stale_erp_numbers(self) -> pl.DataFrame:
        """The ERP numbers the SQL stage set aside."""
        return self.erp_number_pairs.filter(pl.col("is_stale"))


def run_rule_stage(raw_dir: Path, build_db: Path, dbt_project_dir: Path) -> None:
    """Build the staging views and the identity SQL models from `raw_dir` into `build_db`.

    `dbt_project_dir` comes from the settings (`Settings.dbt_project_dir`), like every path.

    dbt runs in a child process (its own logs and target folder beside the database), as the
    refresh runs it.

    Raises:
        RuntimeError: when dbt fails, with the end of its output.
    """
    work = Path(build_db).parent / "dbt-rule-stage"
    env = os.environ | {"C360_RAW_DIR": str(raw_dir), "C360_BUILD_DB": str(build_db)}
    command = [
        str(Path(sys.executable).parent / "dbt"),
        "run",
        "--quiet",
        "--select",
        RULE_STAGE_SELECTOR,
        "--project-dir",
        str(dbt_project_dir),
        "--profiles-dir",
        str(dbt_project_dir),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(
            f"dbt run of the rule stage failed:\n{(done.stdout + done.stderr)[-3000:]}"
        )


def read_rule_stage(build_db: Path) -> StagedIdentity:
    """The tables `run_rule_stage` built."""
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        frames = {
            name: con.sql(f"select * from {table}").pl()
            for name, table in {
                "crm_accounts": "staging.stg_crm__accounts",
                "crm_contacts": "staging.stg_crm__contacts",
                "erp_customers": "staging.stg_erp__customers",
                "rule_pairs": "intermediate.int_identity_rule_pairs",
                "erp_number_pairs": "intermediate.int_identity_erp_number_pairs",
                "records": "intermediate.int_identity_records",
            }.items()
        }
    finally:
        con.close()
    return StagedIdentity(**frames)

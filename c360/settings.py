"""Settings from the environment, with defaults that make a fresh clone work unchanged.

One root (`C360_HOME`, default `./data`) and everything derived from it, so a test points the
whole product at a temporary folder with one variable and a deployment puts the data anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from c360.settings_values import SettingsReader

REPO_ROOT = Path(__file__).resolve().parent.parent

# The public schemas' file beside the build file, and the catalog name the dbt profile attaches
# it under (dbt/profiles.yml, dbt/macros/generate_database_name.sql).
PUBLIC_DB_FILE = "public.duckdb"
PUBLIC_DB_ALIAS = "public_marts"


@dataclass(frozen=True)
class Settings:
    """Every path and tunable of the product.

    `contracts_dir` None means the contracts shipped with the ingestion package.
    """

    home: Path
    dbt_project_dir: Path
    contracts_dir: Path | None = None
    reporting_currency: str = "EUR"
    keep_versions: int = 5
    schedule_cron: str = "0 6 * * *"
    schedule_timezone: str = "UTC"
    # How often the daemon's landing sensor looks for a complete new delivery: the longest a
    # `_SUCCESS` marker waits before its refresh starts. Lower it for intra-day deliveries.
    sensor_interval_seconds: int = 60
    clv_horizon_months: int = 36
    clv_annual_discount_rate: float = 0.10
    # Days between CLV refits (clv.cadence): a refresh scores daily with the fit through the
    # last cadence boundary; 1 refits on every new as-of date.
    clv_refit_days: int = 7
    # Months one subscription invoice line pays for (dbt's `subscription_term_months`).
    subscription_term_months: int = 1
    freshness_hours: float = 48.0
    # Sources ingested at once, each by a process of its own (ingestion.source_processes). Each
    # holds its own files' memory: 1 ingests one source after the other.
    ingest_processes: int = os.cpu_count() or 1
    # Days landed files and replaced serving versions are kept (c360.retention); None: forever.
    retention_days: float | None = None
    # Each reader's ceiling (c360.serving): DuckDB's own default is 80 % of RAM per process.
    reader_memory: str = "4GB"
    reader_timeout_seconds: float = 60.0
    # The build's DuckDB (dbt's connection, Python models included, and every process that runs
    # heavy queries on the build file). A fixed bound, not DuckDB's default share of RAM (80 %,
    # 50 % before this setting): the refresh must stay under 8 GB at 1,000,000 customers, and
    # DuckDB is only part of it; the Python models' frames (identity resolution, the CLV fits),
    # dbt and Dagster share the process. Half of that budget to DuckDB, which spills the rest to
    # `build_spill_dir`. On a small machine lower it: it is a ceiling, not a reservation.
    build_memory_limit: str = "4GB"
    # DuckDB's threads for the build; its own default is every core. Each thread's hash tables
    # and sort runs count against the memory limit, so more threads want more memory.
    build_threads: int = os.cpu_count() or 1
    # Interface `c360 serve` listens on; another than loopback needs sign-in (docs/security.md).
    serve_address: str = "127.0.0.1"
    # The PostgreSQL publish target (c360.postgres_publish): a libpq URL; None keeps it off.
    postgres_url: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `C360_*` variables; unset ones take their defaults.

        Raises:
            SettingsError: naming every variable whose value cannot be used (c360.settings_values).
        """
        env = SettingsReader(os.environ if environ is None else environ)
        cores = os.cpu_count() or 1
        settings = cls(
            home=env.data_root("C360_HOME", "data"),
            contracts_dir=env.folder("C360_CONTRACTS_DIR", None),
            dbt_project_dir=env.folder(
                "C360_DBT_PROJECT_DIR", REPO_ROOT / "dbt", holding="dbt_project.yml"
            ),
            reporting_currency=env.currency_code("C360_REPORTING_CURRENCY", "EUR"),
            keep_versions=env.count("C360_KEEP_VERSIONS", 5),
            schedule_cron=env.cron("C360_SCHEDULE_CRON", "0 6 * * *"),
            schedule_timezone=env.timezone("C360_SCHEDULE_TIMEZONE", "UTC"),
            sensor_interval_seconds=env.count("C360_SENSOR_INTERVAL_SECONDS", 60),
            clv_horizon_months=env.count("C360_CLV_HORIZON_MONTHS", 36),
            clv_annual_discount_rate=env.number(
                "C360_CLV_ANNUAL_DISCOUNT_RATE", 0.10, at_least=0, below=1
            ),
            clv_refit_days=env.count("C360_CLV_REFIT_DAYS", 7),
            subscription_term_months=env.count("C360_SUBSCRIPTION_TERM_MONTHS", 1),
            freshness_hours=env.number("C360_FRESHNESS_HOURS", 48.0, above=0),
            ingest_processes=env.count("C360_INGEST_PROCESSES", cores),
            retention_days=env.optional_number("C360_RETENTION_DAYS", at_least=0),
            reader_memory=env.memory_size("C360_READER_MEMORY", "4GB"),
            reader_timeout_seconds=env.number("C360_READER_TIMEOUT", 60.0, above=0),
            build_memory_limit=env.memory_size("C360_BUILD_MEMORY_LIMIT", "4GB"),
            build_threads=env.count("C360_BUILD_THREADS", cores),
            serve_address=env.text("C360_SERVE_ADDRESS", "127.0.0.1"),
            postgres_url=env.text("C360_POSTGRES_URL", "") or None,
        )
        env.check()
        return settings

    @property
    def landing_dir(self) -> Path:
        """Extracts as delivered: `<landing>/<source>/<YYYY-MM-DD>/<entity>.<ext>`."""
        return self.home / "landing"

    @property
    def sources_file(self) -> Path:
        """Which system feeds each source (a preset per source; absent: the built-in extracts)."""
        return self.home / "sources.yml"

    @property
    def truth_dir(self) -> Path:
        """The sample generator's ground truth; tests read it, the pipeline never does."""
        return self.home / "ground_truth"

    @property
    def raw_dir(self) -> Path:
        """Typed Parquet written by ingestion, with the load log and the quarantine."""
        return self.home / "raw"

    @property
    def load_log_dir(self) -> Path:
        """One Parquet file per extract file handled (written by `ingestion.raw_store`)."""
        return self.raw_dir / "_quality" / "load_log"

    @property
    def quarantine_dir(self) -> Path:
        """One Parquet file per load that rejected rows (written by `ingestion.raw_store`)."""
        return self.raw_dir / "_quality" / "quarantine"

    @property
    def warehouse_dir(self) -> Path:
        """The working warehouse and the serving versions."""
        return self.home / "warehouse"

    @property
    def build_db(self) -> Path:
        """The DuckDB file that only a refresh writes."""
        return self.warehouse_dir / "build.duckdb"

    @property
    def build_spill_dir(self) -> Path:
        """Where the build's DuckDB writes what does not fit in `build_memory_limit`.

        Under the data root, on the warehouse's disk, rather than DuckDB's default beside the
        database file or the system's /tmp (often a small RAM disk). DuckDB names its files by
        process, so concurrent processes share the folder; it removes its files on close.
        """
        return self.warehouse_dir / "spill"

    def build_duckdb_settings(self) -> dict[str, str]:
        """The DuckDB settings of every connection that builds or scans the build file."""
        return {
            "memory_limit": self.build_memory_limit,
            "threads": str(self.build_threads),
            "temp_directory": str(self.build_spill_dir),
            # Where the sources' relative raw folder is found (dbt_env).
            "file_search_path": str(self.home),
        }

    @property
    def public_db(self) -> Path:
        """The DuckDB file the build writes the public schemas into; publishing copies it."""
        return self.warehouse_dir / PUBLIC_DB_FILE

    @property
    def dbt_target_dir(self) -> Path:
        """The dbt artifacts of the refreshes of this data root (run results, partial parse).

        One folder per data root, reused by every refresh: dbt then parses only what changed
        since the last refresh (its partial parse is tied to the profile, whose database path
        is this root's), and run artifacts do not pile up in the project folder.
        """
        return self.warehouse_dir / "dbt-target"

    @property
    def serving_dir(self) -> Path:
        """Published read-only versions and the `current` pointer."""
        return self.warehouse_dir / "serving"

    @property
    def restricted_serving_dir(self) -> Path:
        """Each version's copy with personal data, beside the masked one (owner-only folder)."""
        return self.serving_dir / "restricted"

    @property
    def current_pointer(self) -> Path:
        """Symlink to the published version readers open."""
        return self.serving_dir / "current"

    @property
    def postgres_dir(self) -> Path:
        """The local PostgreSQL cluster `c360 postgres start` runs (c360.postgres_server)."""
        return self.home / "postgres"

    @property
    def refresh_lock(self) -> Path:
        """Lock file that keeps refreshes (the warehouse's writers) to one at a time."""
        return self.warehouse_dir / "refresh.lock"

    @property
    def identity_overrides(self) -> Path:
        """Stewards' identity decisions (record_a, record_b, decision: same | never_same)."""
        return self.home / "stewardship" / "identity_overrides.csv"

    @property
    def last_refresh(self) -> Path:
        """What the last refresh did (outcome, checks, published version), for `c360 status`."""
        return self.warehouse_dir / "last_refresh.json"

    @property
    def verified_files(self) -> Path:
        """The published files whose hash was last checked, with what `stat` said of each then."""
        return self.warehouse_dir / "verified_files.json"

    @property
    def erasure_dir(self) -> Path:
        """The erasure ledger (salted hashes of erased people's identifiers) and its salt."""
        return self.home / "erasure"

    @property
    def auth_file(self) -> Path:
        """Sign-in settings: Streamlit's `[auth]` secrets (OpenID Connect); absent, no sign-in."""
        return self.home / "auth.toml"

    @property
    def access_file(self) -> Path:
        """Who has which role: the ID-token claim to read, emails and domains (c360.access)."""
        return self.home / "access.yml"

    @property
    def audit_log(self) -> Path:
        """The append-only audit log, outside everything a refresh writes (c360.audit)."""
        return self.home / "audit" / "audit.jsonl"

    @property
    def dagster_home(self) -> Path:
        """Dagster's instance folder (run history, schedules, sensors)."""
        return self.home / "dagster"

    def dbt_env(self) -> dict[str, str]:
        """Variables the dbt profile and sources read (see dbt/profiles.yml).

        The raw folder is given relative to the data root, which the profile makes DuckDB's
        search path (`file_search_path`): the sources' text, and so dbt's parse of the project,
        is then the same in every data root, and a copied or moved one reuses its partial parse
        instead of parsing the whole project again (dagster_project/dbt_launcher.py).
        """
        return {
            "C360_HOME": str(self.home),
            "C360_BUILD_DB": str(self.build_db),
            "C360_PUBLIC_DB": str(self.public_db),
            "C360_BUILD_MEMORY_LIMIT": self.build_memory_limit,
            "C360_BUILD_THREADS": str(self.build_threads),
            "C360_BUILD_SPILL_DIR": str(self.build_spill_dir),
            "C360_RAW_DIR": self.raw_dir.relative_to(self.home).as_posix(),
            "C360_REPORTING_CURRENCY": self.reporting_currency,
            "C360_IDENTITY_OVERRIDES": str(self.identity_overrides),
            "C360_CLV_HORIZON_MONTHS": str(self.clv_horizon_months),
            "C360_CLV_ANNUAL_DISCOUNT_RATE": str(self.clv_annual_discount_rate),
            "C360_CLV_REFIT_DAYS": str(self.clv_refit_days),
            "C360_SUBSCRIPTION_TERM_MONTHS": str(self.subscription_term_months),
        }

    def export_to_environ(self) -> None:
        """Make dbt (run in this process by Dagster) see the same paths as this process."""
        os.environ.update(self.dbt_env())

"""Run the refresh graph without the Dagster UI (for `c360 refresh`, cron users and tests).

The same `Definitions` and job as the UI, executed in this process against the persistent
Dagster instance under the data root, so these runs also show in the UI's run history.

The whole run holds the refresh lock (the steps that write take it again, re-entrantly), so a
run of this kind still marked as started in the instance while we hold the lock belongs to a
process that died (killed, machine lost): it is marked failed and its concurrency pool slots are
freed, otherwise the next run would wait for them forever. What the run did is written to
`<C360_HOME>/warehouse/last_refresh.json` for `c360 status`: first `running` with the pid, then
the outcome, the checks that failed and why, and the version published (`run_outcome`, which
records the daemon's runs the same way).
"""

import datetime as dt
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from c360.refresh_lock import refresh_lock
from c360.retention import apply_retention
from c360.settings import Settings
from c360.status import read_last_refresh, write_last_refresh
from dagster_project.refresh_inputs import refresh_work
from dagster_project.refresh_summary import RefreshSummary

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home(settings: Settings) -> Path:
    """Create DAGSTER_HOME under the data root with the project's instance settings."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists():
        shutil.copyfile(DAGSTER_YAML, target)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _up_to_date(
    settings: Settings, started: float, started_at: str, fingerprint: str
) -> RefreshSummary:
    """Record that nothing was to do: the last build's version stays, retention still applies."""
    version = (read_last_refresh(settings) or {}).get("version")
    apply_retention(settings)
    summary = RefreshSummary(
        success=True, seconds=time.monotonic() - started, version=version, up_to_date=True
    )
    record = {"state": "up to date", "started_at": started_at, "fingerprint": fingerprint}
    write_last_refresh(
        settings,
        {
            **record,
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            **asdict(summary),
        },
    )
    return summary


def run_refresh(settings: Settings, *, force: bool = False) -> RefreshSummary:
    """Ingest, build, test and publish; the published version changes only if all of it passes.

    With no new extract file and nothing changed since the last successful build
    (`refresh_inputs`), nothing runs and the summary says `up_to_date`. Otherwise the run
    rebuilds only the models downstream of the raw entities that changed (`build_plan`);
    `force` builds every model.
    """
    settings.export_to_environ()
    prepare_dagster_home(settings)
    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with refresh_lock(settings.refresh_lock):
        work = refresh_work(settings)
        if work.reason is None and not force:
            return _up_to_date(settings, started, started_at, work.fingerprint)
        write_last_refresh(settings, {"state": "running", "started_at": started_at})
        try:
            from dagster_project.in_process_run import execute_refresh_job

            summary = execute_refresh_job(
                settings, force=force, started=started, started_at=started_at
            )
        except Exception as exc:  # e.g. the dbt project does not parse: say so in status
            failure = {"success": False, "failures": [f"{type(exc).__name__}: {exc}"]}
            write_last_refresh(settings, {"state": "failed", "started_at": started_at, **failure})
            raise
    return summary

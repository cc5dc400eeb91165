"""`c360 status`: what readers see now, how fresh it is, and what the last refresh did.

The last refresh is read from `last_refresh.json`. `c360 refresh` writes it twice: `running` with
its pid when it starts, the outcome when it ends; the daemon's runs (schedule, sensor, UI) are
recorded when they end (dagster_project/run_outcome.py), with what started them. A record still
`running` whose pid is gone is a refresh that was killed: readers stayed on the published
version shown above it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import duckdb

from c360.atomic_json import write_json_atomically
from c360.postgres_publish import render_state as render_postgres_state
from c360.processes import alive
from c360.query import format_result
from c360.serving import (
    NoPublishedVersionError,
    connect_readonly,
    published_version,
    resolve_current,
    restricted_copy,
    what_readers_keep,
)
from c360.settings import Settings
from c360.version_integrity import DamagedVersionError, check_intact, damage_named

MAIN_MARTS = ("marts.dim_customers", "marts.fct_invoice_lines", "marts.rpt_kpi_monthly")


def write_last_refresh(settings: Settings, record: dict[str, Any]) -> None:
    """Replace the last-refresh record atomically (with this process's pid)."""
    write_json_atomically(settings.last_refresh, {**record, "pid": os.getpid()})


def read_last_refresh(settings: Settings) -> dict[str, Any] | None:
    """The last-refresh record, `state` "killed" when it says running but its process is gone."""
    try:
        record = json.loads(settings.last_refresh.read_text())
    except (FileNotFoundError, ValueError):
        return None
    if record.get("state") == "running" and not alive(int(record.get("pid", 0))):
        record["state"] = "killed"
    return record


def render_last_refresh(record: dict[str, Any] | None, readers_keep: str) -> list[str]:
    """Lines on the last refresh: outcome, time, checks, and why it failed.

    `readers_keep` is what readers see after a refresh that published nothing
    (c360.serving.what_readers_keep).
    """
    if record is None:
        return ["last refresh       none recorded"]
    state = record["state"]
    when = record.get("finished_at") or record.get("started_at")
    trigger = f" ({record['trigger']})" if record.get("trigger") else ""
    lines = [f"last refresh       {state.upper()} at {when}{trigger}"]
    if state == "running":
        lines.append(f"                   pid {record.get('pid')}, started {record['started_at']}")
    elif state == "killed":
        lines.append(f"                   its process died before the end; {readers_keep}")
    elif state == "up to date":
        lines.append(
            f"                   nothing new since the build of version {record.get('version')}: "
            "nothing was built or published"
        )
    else:
        failed = record.get("checks_failed", [])
        warned = record.get("checks_warned", [])
        lines.append(
            f"checks             passed {record.get('checks_passed', 0)}, "
            f"warned {len(warned)}, failed {len(failed)}"
        )
        reasons = record.get("check_reasons", {})
        lines += [f"  failed check     {c}: {reasons.get(c, '')}" for c in failed]
        lines += [f"  warning          {c}: {reasons.get(c, '')}" for c in warned]
        lines += [f"  failed step      {f}" for f in record.get("failures", [])]
        if state in ("failed", "canceled"):
            lines.append(f"                   nothing was published; {readers_keep}")
        elif record.get("version"):
            lines.append(f"                   published version {record['version']}")
    return lines


def _published_figures(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> dict[str, Any]:
    """Publication record, freshness per source, mart row counts and sync errors."""
    publication = published_version(con)
    freshness = con.execute(
        """
        select
            source_system as source,
            max(extract_date) filter (where status = 'loaded') as newest_extract,
            round(
                date_diff('minute', max(extract_date) filter (where status = 'loaded'),
                ?::timestamp) / 60, 1
            ) as hours_old,
            count(*) filter (where status = 'loaded') as files_loaded,
            count(*) filter (where status = 'duplicate') as duplicates,
            count(*) filter (where status in ('rejected', 'unknown_file')) as rejected,
            sum(rows_read) as rows_read,
            sum(rows_quarantined) as rows_quarantined
        from quality.load_log
        group by source_system
        order by source_system
        """,
        [now.replace(tzinfo=None)],
    )
    return {
        "publication": publication,
        "fresh_cols": [d[0] for d in freshness.description],
        "fresh_rows": freshness.fetchall(),
        "counts": dict(con.execute("select table_name, row_count from meta.row_counts").fetchall()),
        "sync_errors": con.execute(
            "select error_type, count(*) from quality.sync_errors group by 1 order by 1"
        ).fetchall(),
    }


def render_status(settings: Settings, now: dt.datetime | None = None) -> str:
    """Published version and time, last refresh and checks, freshness and mart row counts.

    The serving file is checked against the size and hash recorded when it was published: a
    damaged one is reported with what to do, and the last refresh is still shown.
    """
    now = now or dt.datetime.now(dt.UTC)
    last = render_last_refresh(read_last_refresh(settings), what_readers_keep(settings))
    try:
        path = resolve_current(settings)
        check_intact(settings, path)
        if restricted_copy(settings, path).exists():  # its copy with personal data too
            check_intact(settings, restricted_copy(settings, path))
        con = connect_readonly(settings, path)
    except NoPublishedVersionError as exc:
        return "\n".join([f"no published version yet ({exc})", "", *last])
    except DamagedVersionError as exc:
        return "\n".join([f"published version  DAMAGED: {exc}", "", *last])
    try:
        with damage_named(path):
            figures = _published_figures(con, now)
    except DamagedVersionError as exc:
        return "\n".join([f"published version  DAMAGED: {exc}", "", *last])
    finally:
        con.close()
    publication = figures["publication"]
    published_at = publication["published_at"]
    age_hours = (now - published_at.astimezone(dt.UTC)).total_seconds() / 3600
    counts = figures["counts"]
    lines = [
        f"published version  {publication['version']}",
        f"published at       {published_at:%Y-%m-%d %H:%M:%S %Z} ({age_hours:.1f} h ago)",
        f"serving file       {path}",
        render_postgres_state(settings),
        "",
        *last,
        "",
        format_result(figures["fresh_cols"], figures["fresh_rows"]),
        "",
        format_result(["table", "rows"], [(t, counts.get(t)) for t in MAIN_MARTS]),
    ]
    if figures["sync_errors"]:
        lines += [
            "",
            format_result(["sync error (quality.sync_errors)", "records"], figures["sync_errors"]),
        ]
    return "\n".join(lines)

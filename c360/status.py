"""`c360 status`: what readers see now and how fresh it is."""

from __future__ import annotations

import datetime as dt

from c360.query import format_result
from c360.serving import NoPublishedVersionError, connect_readonly, published_version
from c360.settings import Settings

MAIN_MARTS = ("marts.dim_customers", "marts.fct_invoice_lines", "marts.rpt_kpi_monthly")


def render_status(settings: Settings, now: dt.datetime | None = None) -> str:
    """Published version and time, newest extract per source, and row counts of the main marts."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        con = connect_readonly(settings)
    except NoPublishedVersionError as exc:
        return f"no published version yet ({exc})"
    try:
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
        fresh_cols = [d[0] for d in freshness.description]
        fresh_rows = freshness.fetchall()
        counts = dict(con.execute("select table_name, row_count from meta.row_counts").fetchall())
        sync_errors = con.execute(
            "select error_type, count(*) from quality.sync_errors group by 1 order by 1"
        ).fetchall()
    finally:
        con.close()
    published_at = publication["published_at"]
    age_hours = (now - published_at.astimezone(dt.UTC)).total_seconds() / 3600
    lines = [
        f"published version  {publication['version']}",
        f"published at       {published_at:%Y-%m-%d %H:%M:%S %Z} ({age_hours:.1f} h ago)",
        f"serving file       {settings.current_pointer.resolve()}",
        "",
        format_result(fresh_cols, fresh_rows),
        "",
        format_result(["table", "rows"], [(t, counts.get(t)) for t in MAIN_MARTS]),
    ]
    if sync_errors:
        lines += ["", format_result(["sync error (quality.sync_errors)", "records"], sync_errors)]
    return "\n".join(lines)

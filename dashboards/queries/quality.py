"""Data-quality queries: publication, freshness, load log, quarantine, reconciliation, identity."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import has_table, query


def publication(version: str) -> dict[str, object]:
    """The publication record (version, time, number of tables)."""
    rows = query("select * from meta.publication", version)
    return rows.row(0, named=True) if rows.height else {}


def freshness(version: str, now: dt.datetime) -> pl.DataFrame:
    """Per source: newest extract loaded, its age in hours at `now`, files and rows handled.

    `now` is part of the cache key: the caller rounds it (to the minute) so ages stay current
    without a query per rerun.
    """
    return query(
        """
        select
            source_system as source,
            cast(max(extract_date) filter (where status = 'loaded') as date) as newest_extract,
            round(
                date_diff('minute', max(extract_date) filter (where status = 'loaded'),
                cast(? as timestamp)) / 60, 1
            ) as hours_old,
            count(*) filter (where status = 'loaded') as files_loaded,
            count(*) filter (where status = 'duplicate') as duplicates,
            count(*) filter (where status in ('rejected', 'unknown_file')) as rejected,
            sum(rows_read) as rows_read,
            sum(rows_quarantined) as rows_quarantined,
            max(loaded_at) as last_loaded_at
        from quality.load_log
        group by source_system
        order by source_system
        """,
        version,
        (now.replace(tzinfo=None),),
    )


def load_log(version: str) -> pl.DataFrame:
    """Every landed file handled, newest first."""
    return query(
        """
        select cast(extract_date as date) as extract_date, source_system, entity, source_file,
            status, rows_read, rows_loaded, rows_quarantined, is_reconciled, message, loaded_at,
            load_id
        from quality.load_log
        order by extract_date desc, source_system, entity, source_file
        """,
        version,
    )


def quarantine(version: str) -> pl.DataFrame:
    """Rows that failed their contract, with the reason."""
    return query(
        """
        select cast(extract_date as date) as extract_date, source_system, entity, source_file,
            source_row_number, reason, raw_line, load_id
        from quality.quarantine
        order by extract_date desc, source_system, entity, source_row_number
        """,
        version,
    )


def quarantine_reasons(version: str) -> pl.DataFrame:
    """Quarantined rows per source, entity and reason, most frequent first."""
    return query(
        """
        select source_system, entity, reason, count(*) as rows
        from quality.quarantine
        group by source_system, entity, reason
        order by rows desc, source_system, entity, reason
        """,
        version,
    )


def sync_errors(version: str) -> pl.DataFrame:
    """Records one system says exist and the other contradicts."""
    return query("select * from quality.sync_errors order by error_type, record_id", version)


def match_rates(version: str) -> pl.DataFrame:
    """quality.identity_match_rates, one row per metric."""
    return query("select metric, metric_value from quality.identity_match_rates", version)


def review_queue(version: str) -> pl.DataFrame:
    """Pairs awaiting a steward's decision, most likely matches first."""
    return query(
        "select * from quality.identity_review_queue "
        "order by probability desc nulls last, record_a, record_b",
        version,
    )


def row_counts(version: str) -> pl.DataFrame:
    """Rows of every published table (meta.row_counts)."""
    return query("select table_name, row_count from meta.row_counts order by table_name", version)


def run_all(version: str, now: dt.datetime) -> None:
    """Every query the page runs (the benchmark's unit of work)."""
    publication(version)
    freshness(version, now)
    load_log(version)
    quarantine(version)
    quarantine_reasons(version)
    sync_errors(version)
    match_rates(version)
    review_queue(version)
    row_counts(version)


COVERAGE_COLUMNS = {
    "source": pl.String,
    "entity": pl.String,
    "topic": pl.String,
    "consequence": pl.String,
    "message": pl.String,
}


def coverage_gaps(version: str, topics: tuple[str, ...] = ()) -> pl.DataFrame:
    """The absent entities of quality.source_coverage that concern `topics` (all when empty).

    Each comes with the message to show: which figures are empty or unknown, and which file
    would fill them. A warehouse published before the mart existed has no gaps to report.
    """
    if not has_table(version, "quality", "source_coverage"):
        return pl.DataFrame(schema=COVERAGE_COLUMNS)
    gaps = query(
        """
        select source, entity, topic, consequence, message
        from quality.source_coverage
        where is_absent
        order by consequence = 'substituted', source desc, entity
        """,
        version,
    )
    return gaps.filter(pl.col("topic").is_in(topics)) if topics else gaps


def source_coverage(version: str) -> pl.DataFrame:
    """Every canonical entity: rows available, absent or not, and what its absence affects."""
    if not has_table(version, "quality", "source_coverage"):
        return pl.DataFrame()
    return query(
        """
        select source, entity, rows_available, is_absent, consequence, affected, filled_by,
            affected_models
        from quality.source_coverage
        order by not is_absent, source desc, entity
        """,
        version,
    )


def unidentified_sales(version: str) -> dict[str, object]:
    """Guest sales: the "unidentified customers" member's revenue and share ({} before the mart)."""
    if not has_table(version, "quality", "unidentified_sales"):
        return {}
    rows = query("select * from quality.unidentified_sales", version)
    return rows.row(0, named=True) if rows.height else {}

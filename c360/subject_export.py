"""Everything c360 holds about one person, as JSON (GDPR article 15: the right of access).

Each item says where it came from: the delivered file and line, the raw Parquet file and row,
the quarantine, the published warehouse's table, a steward's identity decision. Records are the
person's own (`Subject.owned_rows`) or records of others that mention them (a customer whose
main contact they are). The rules are the erasure's, so the export shows exactly what an
erasure would remove or redact.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl

from c360.erasure_ledger import read_ledger
from c360.serving import NoPublishedVersionError, connect_readonly, published_version
from c360.settings import Settings
from c360.subject import Subject
from c360.subject_duckdb import owned_condition, table_columns
from c360.subject_landing import LINE, RAW_TEXT, read_records


def _rows(frame: pl.DataFrame) -> list[dict]:
    return [{k: v for k, v in row.items() if v is not None} for row in frame.iter_rows(named=True)]


def _landing(settings: Settings, subject: Subject) -> list[dict]:
    """Their records and mentions in the delivered files, with file and (first) line."""
    items = []
    files = sorted(p for p in settings.landing_dir.rglob("*") if p.is_file())
    for path in files if settings.landing_dir.is_dir() else []:
        where = path.relative_to(settings.home).as_posix()
        if path.suffix.lower() == ".parquet":
            frame = pl.read_parquet(path).with_row_index(LINE, offset=1)
        else:
            frame = read_records(path).frame
        hits = subject.owned_rows(frame, extract=True) | subject.mentioned(frame)
        for row in _rows(frame.filter(hits).drop(RAW_TEXT, strict=False)):
            line = row.pop(LINE)
            items.append({"file": where, "line": line, "record": row})
    return items


def _raw(settings: Settings, subject: Subject) -> list[dict]:
    items = []
    for path in sorted(settings.raw_dir.rglob("*.parquet")):
        frame = pl.read_parquet(path)
        hits = subject.owned_rows(frame, extract=True) | subject.mentioned(frame)
        where = path.relative_to(settings.home).as_posix()
        items += [{"file": where, "row": row} for row in _rows(frame.filter(hits))]
    return items


def _warehouse(settings: Settings, subject: Subject) -> dict:
    """Their rows and mentions in the published version readers see."""
    try:
        con = connect_readonly(settings)
    except NoPublishedVersionError:
        return {"version": None, "rows": []}
    pattern = subject.pattern
    rows = []
    try:
        version = published_version(con).get("version")
        for table, columns in table_columns(con).items():
            conditions = [owned_condition(columns, subject)]
            if pattern:
                conditions += [
                    f'regexp_matches("{c}", $pattern)' for c, dtype in columns if dtype == "VARCHAR"
                ]
            condition = " or ".join(c for c in conditions if c)
            if not condition:
                continue
            parameters = {"pattern": pattern} if "$pattern" in condition else {}
            cursor = con.execute(f"select * from {table} where {condition}", parameters)
            names = [d[0] for d in cursor.description]
            for values in cursor.fetchall():
                row = {n: v for n, v in zip(names, values, strict=True) if v is not None}
                rows.append({"table": table.replace('"', ""), "row": row})
    except duckdb.Error as exc:
        raise RuntimeError(f"could not read the published warehouse: {exc}") from exc
    finally:
        con.close()
    return {"version": version, "rows": rows}


def _identity_decisions(settings: Settings, subject: Subject) -> list[dict]:
    """Stewards' decisions (and any other file of theirs) that name the person."""
    folder = settings.identity_overrides.parent
    items = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_bytes().splitlines(), start=1):
            text = line.decode("utf-8", errors="replace")
            if subject.in_bytes(line) or any(c in text for c in subject.contact_ids):
                where = path.relative_to(settings.home).as_posix()
                items.append({"file": where, "line": number, "text": text})
    return items


def export_subject(settings: Settings, subject: Subject) -> dict:
    """The subject's data and where each piece is (dates and decimals need `default=str`).

    An organisation's export lists the keys of its records too (`record_keys`).
    """
    ledger = read_ledger(settings.erasure_dir)
    identifiers = subject.identifiers()
    erased = any(ledger.digest(kind, value) in ledger.hashes for kind, value in identifiers)
    record_keys = {kind: sorted(values) for kind, values in subject.keys.items() if values}
    return {
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "data_root": str(settings.home),
        "subject": {
            "contact_ids": sorted(subject.contact_ids),
            "emails": sorted(subject.emails),
            "phones": sorted(subject.phones),
            "names": sorted(subject.names),
            **({"record_keys": record_keys} if record_keys else {}),
            "erased_before": erased,
        },
        "landing": _landing(settings, subject),
        "raw": _raw(settings, subject),
        "warehouse": _warehouse(settings, subject),
        "identity_decisions": _identity_decisions(settings, subject),
    }


def write_export(export: dict, path: Path | None) -> str:
    """The export as indented JSON; written to `path` when given."""
    text = json.dumps(export, indent=2, ensure_ascii=False, default=str)
    if path is not None:
        path.write_text(text + "\n", encoding="utf-8")
    return text

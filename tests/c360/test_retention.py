"""Retention: landed files and replaced serving versions go once older than C360_RETENTION_DAYS."""

import datetime as dt
import json
import os
from pathlib import Path

import polars as pl

from c360.retention import apply_retention
from c360.settings import Settings
from ingestion.raw_store import LOAD_LOG_SCHEMA, load_log_dir, write_atomically

NOW = dt.datetime(2026, 9, 30, 12, tzinfo=dt.UTC)


def _settings(home: Path, days: str | None) -> Settings:
    env = {"C360_HOME": str(home)} | ({"C360_RETENTION_DAYS": days} if days else {})
    return Settings.from_env(env)


def _logged(settings: Settings, source_file: str, finished_at: dt.datetime) -> None:
    path = settings.landing_dir / source_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("id\n1\n")
    (path.parent / "_SUCCESS").touch()
    folder = source_file.split("/")[1]
    dated = folder[:4].isdigit() and folder.count("-") == 2
    entry = {c: None for c in LOAD_LOG_SCHEMA} | {
        "load_id": source_file.replace("/", "-"),
        "source_file": source_file,
        "extract_date": dt.date.fromisoformat(folder) if dated else None,
        "status": "loaded" if dated else "rejected",
        "finished_at": finished_at,
    }
    frame = pl.DataFrame([entry], schema=LOAD_LOG_SCHEMA)
    write_atomically(frame, load_log_dir(settings.raw_dir) / f"{entry['load_id']}.parquet")


def _published(settings: Settings, versions: list[tuple[str, dt.datetime]]) -> None:
    """Versions made current one after the other at the given times (the last is current)."""
    settings.serving_dir.mkdir(parents=True, exist_ok=True)
    with (settings.serving_dir / "history.jsonl").open("w") as history:
        for name, at in versions:
            (settings.serving_dir / name).write_bytes(b"x")
            history.write(json.dumps({"version": name, "action": "publish", "at": at.isoformat()}))
            history.write("\n")
    os.symlink(versions[-1][0], settings.current_pointer)


def test_files_loaded_and_versions_replaced_before_the_retention_are_removed(tmp_path):
    settings = _settings(tmp_path, "30")
    _logged(settings, "crm/2026-08-01/accounts.csv", NOW - dt.timedelta(days=31))
    _logged(settings, "crm/2026-09-20/accounts.csv", NOW - dt.timedelta(days=10))
    # Rejected for its folder's name: never read, so kept until the folder is renamed.
    _logged(settings, "crm/latest/accounts.csv", NOW - dt.timedelta(days=31))
    unlogged = settings.landing_dir / "crm" / "2026-08-02" / "contacts.csv"
    unlogged.parent.mkdir(parents=True)
    unlogged.write_text("not loaded yet\n")
    _published(
        settings,
        [
            ("c360-20260801T000000Z.duckdb", NOW - dt.timedelta(days=60)),
            ("c360-20260815T000000Z.duckdb", NOW - dt.timedelta(days=45)),  # replaced 20 days ago
            ("c360-20260910T000000Z.duckdb", NOW - dt.timedelta(days=20)),
        ],
    )
    (settings.serving_dir / "c360-20260801T000000Z.restricted.duckdb").write_bytes(b"x")

    result = apply_retention(settings, NOW)

    assert [p.relative_to(settings.landing_dir).as_posix() for p in result.landing_files] == [
        "crm/2026-08-01/accounts.csv"
    ]
    assert not (settings.landing_dir / "crm" / "2026-08-01").exists()  # marker-only folder gone
    assert unlogged.exists()
    assert (settings.landing_dir / "crm" / "latest" / "accounts.csv").exists()
    assert (settings.landing_dir / "crm" / "2026-09-20" / "accounts.csv").exists()
    assert sorted(p.name for p in result.serving_files) == [
        "c360-20260801T000000Z.duckdb",
        "c360-20260801T000000Z.restricted.duckdb",
    ]
    assert settings.current_pointer.resolve().exists()
    assert (settings.serving_dir / "c360-20260815T000000Z.duckdb").exists()


def test_a_delivery_whose_files_sat_in_subfolders_is_removed_whole(tmp_path):
    settings = _settings(tmp_path, "30")
    _logged(settings, "erp/2026-08-01/Customers/customers.csv", NOW - dt.timedelta(days=31))
    _logged(settings, "erp/2026-08-01/invoices.csv", NOW - dt.timedelta(days=31))
    kept = settings.landing_dir / "erp" / "2026-08-02" / "Invoices" / "invoices.csv"
    kept.parent.mkdir(parents=True)
    kept.write_text("not loaded yet\n")

    result = apply_retention(settings, NOW)

    assert sorted(p.relative_to(settings.landing_dir).as_posix() for p in result.landing_files) == [
        "erp/2026-08-01/Customers/customers.csv",
        "erp/2026-08-01/invoices.csv",
    ]
    assert not (settings.landing_dir / "erp" / "2026-08-01").exists()
    assert kept.exists()


def test_without_a_retention_setting_nothing_is_removed(tmp_path):
    settings = _settings(tmp_path, None)
    _logged(settings, "crm/2020-01-01/accounts.csv", NOW - dt.timedelta(days=3000))

    result = apply_retention(settings, NOW)

    assert result.landing_files == [] and result.serving_files == []
    assert (settings.landing_dir / "crm" / "2020-01-01" / "accounts.csv").exists()

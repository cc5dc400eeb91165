"""A failed blocking check stops the refresh before anything is built or published, and says why:
in the Dagster run (the check's metadata) and in `c360 status`."""

import shutil

import dagster as dg
import polars as pl

from c360.serving import resolve_current
from c360.status import read_last_refresh, render_status
from dagster_project.defs.ingestion_assets import LOAD_LOG_KEY
from dagster_project.run_refresh import run_refresh
from ingestion.raw_store import load_log_dir
from tests.conftest import settings_for


def test_a_failed_reconciliation_blocks_the_build_and_publishing_and_says_why(
    built, tmp_path, monkeypatch
):
    home = tmp_path / "c360"
    shutil.copytree(built, home, symlinks=True)
    settings = settings_for(home, monkeypatch)
    published = resolve_current(settings)
    build_written = [db.stat().st_mtime_ns for db in (settings.build_db, settings.public_db)]
    # A load log entry claiming one row more was read than was loaded or quarantined: a row lost.
    entry = sorted(load_log_dir(settings.raw_dir).glob("erp-invoices-*.parquet"))[0]
    log = pl.read_parquet(entry)
    log.with_columns(pl.col("rows_read") + 1).write_parquet(entry)
    lost = log["source_file"][0]
    # A folder no source reads: the same run names it on the load log (no second refresh needed).
    unread = settings.landing_dir / "hubspot" / "2026-09-01"
    unread.mkdir(parents=True)
    (unread / "deals.csv").write_text("deal_id\n1\n", encoding="utf-8")
    # A new file of a source whose name no entity's pattern matches: logged, counted, said why.
    stray = settings.landing_dir / "erp" / "2026-09-05"
    stray.mkdir()
    (stray / "warehouses.csv").write_text("code;name\nW1;Lyon\n", encoding="utf-8")
    (stray / "_SUCCESS").touch()

    summary = run_refresh(settings)

    assert not summary.success
    assert summary.checks_failed == ["ingestion/load_log:rows_reconcile"]
    assert (summary.files_loaded, summary.files_not_loaded) == (0, 1)
    assert summary.file_warnings == [
        "erp/2026-09-05/warehouses.csv: no contract entity matches this file name (the erp "
        "files are named customers.csv, products.csv, product_costs.csv, employees.csv, "
        "sales_orders.csv, sales_order_lines.csv, invoices.csv, invoice_lines.csv, payments.csv, "
        "projects.csv, timesheets.csv, gl_entries.parquet, fx_rates.csv)"
    ]
    assert lost in summary.check_reasons["ingestion/load_log:rows_reconcile"]
    assert resolve_current(settings) == published
    # dbt never ran
    assert [
        db.stat().st_mtime_ns for db in (settings.build_db, settings.public_db)
    ] == build_written
    with dg.DagsterInstance.get() as instance:
        check = dg.AssetCheckKey(LOAD_LOG_KEY, "rows_reconcile")
        [latest] = instance.event_log_storage.get_asset_check_execution_history(check, limit=1)
        evaluation = latest.event.dagster_event.event_specific_data
        skipped = instance.all_logs(summary.run_id, of_type=dg.DagsterEventType.STEP_START)
        load_log = instance.get_latest_materialization_event(LOAD_LOG_KEY)
    assert load_log.run_id == summary.run_id
    assert load_log.asset_materialization.metadata["unread_landing_folders"].value == {"hubspot": 1}
    assert latest.run_id == summary.run_id
    assert evaluation.passed is False
    assert evaluation.metadata["files_not_reconciled"].value == [lost]
    assert {e.step_key for e in skipped} == {
        "ingest",
        "ecb__monthly_rates",
        "ingestion_quality",
    }
    assert read_last_refresh(settings)["state"] == "failed"
    status = render_status(settings)
    assert "last refresh       FAILED" in status
    assert "failed check     ingestion/load_log:rows_reconcile: 1 file(s)" in status
    assert lost in status
    assert "nothing was published; readers keep the previously published version" in status

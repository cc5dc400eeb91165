"""The Dagster definitions: assets and lineage, checks, schedule and the landing sensor."""

import dagster as dg
import pytest

from dagster_project.definitions import build_definitions
from dagster_project.defs.resources import C360Resource
from tests.conftest import settings_for


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return build_definitions()


def test_raw_assets_are_keyed_like_the_dbt_sources_they_feed(defs):
    graph = defs.resolve_asset_graph()
    staging = graph.get(dg.AssetKey(["staging", "stg_erp__invoices"]))
    assert dg.AssetKey(["erp", "invoices"]) in staging.parent_keys
    assert graph.get(dg.AssetKey(["erp", "invoices"])).group_name == "raw"


def test_publishing_waits_for_every_public_mart(defs):
    graph = defs.resolve_asset_graph()
    parents = graph.get(dg.AssetKey(["serving", "current"])).parent_keys
    assert {
        dg.AssetKey(["marts", "dim_customers"]),
        dg.AssetKey(["marts", "fct_invoice_lines"]),
        dg.AssetKey(["marts", "rpt_kpi_monthly"]),
        dg.AssetKey(["quality", "load_log"]),
    } <= parents
    assert not any(key.path[0] == "staging" for key in parents)


def test_dbt_tests_and_the_reconciliation_are_asset_checks(defs):
    checks = {
        (k.asset_key.to_user_string(), k.name) for k in defs.resolve_asset_graph().asset_check_keys
    }
    assert ("ingestion/load_log", "rows_reconcile") in checks
    assert ("marts/fct_invoice_lines", "not_null_fct_invoice_lines_customer_key") in checks


def test_the_daily_schedule_runs_the_refresh_job(defs):
    schedule = defs.resolve_schedule_def("daily_refresh")
    assert schedule.job_name == "refresh"
    assert schedule.cron_schedule == "0 6 * * *"


def test_the_sensor_starts_a_refresh_only_for_complete_new_extract_folders(
    defs, tmp_path, monkeypatch
):
    settings = settings_for(tmp_path, monkeypatch)
    sensor = defs.resolve_sensor_def("landing_sensor")
    resources = {"c360": C360Resource(home=str(tmp_path))}

    def evaluate(cursor):
        context = dg.build_sensor_context(cursor=cursor, resources=resources)
        return sensor.evaluate_tick(context), context.cursor

    folder = settings.landing_dir / "erp" / "2026-09-01"
    folder.mkdir(parents=True)
    (folder / "invoices.csv").write_text("half copied")
    result, cursor = evaluate(None)
    assert result.run_requests == []  # no _SUCCESS marker: still being copied

    (folder / "_SUCCESS").touch()
    result, cursor = evaluate(cursor)
    assert len(result.run_requests) == 1

    result, cursor = evaluate(cursor)
    assert result.run_requests == []  # nothing new since

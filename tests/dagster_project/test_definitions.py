"""The Dagster definitions: assets and lineage, checks, schedule and the landing sensor."""

import datetime as dt
import importlib.metadata

import dagster as dg
import polars as pl
import pytest
import yaml
from dagster_dbt import DbtProject
from packaging.version import Version

from c360.settings import Settings
from dagster_project.definitions import build_definitions
from dagster_project.defs.automation import build_schedule
from dagster_project.defs.dbt_assets import dbt_resource
from dagster_project.defs.freshness import source_freshness
from dagster_project.defs.ingestion_assets import WAREHOUSE_POOL
from dagster_project.defs.postgres_asset import POSTGRES_KEY
from dagster_project.defs.resources import C360Resource
from dagster_project.run_refresh import DAGSTER_YAML
from tests.conftest import settings_for


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return build_definitions()


def test_raw_assets_are_keyed_like_the_dbt_sources_they_feed(defs):
    graph = defs.resolve_asset_graph()
    staging = graph.get(dg.AssetKey(["staging", "stg_erp__invoices"]))
    assert dg.AssetKey(["erp", "invoices"]) in staging.parent_keys
    assert graph.get(dg.AssetKey(["erp", "invoices"])).group_name == "raw"
    ecb = graph.get(dg.AssetKey(["staging", "stg_ecb__monthly_rates"]))
    assert dg.AssetKey(["ecb", "monthly_rates"]) in ecb.parent_keys


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

    def deliver(name: str) -> int:
        """Runs the sensor requests once folder `name` is complete."""
        nonlocal cursor
        folder = settings.landing_dir / "crm" / name
        folder.mkdir(parents=True)
        (folder / "_SUCCESS").touch()
        result, cursor = evaluate(cursor)
        return len(result.run_requests)

    # An hour's changes, the next hour's, the day's own extract after them; then one older.
    assert [deliver(name) for name in ("2026-09-02T0900", "2026-09-02T1000")] == [1, 1]
    assert deliver("2026-09-02") == 1
    assert deliver("2026-09-02T1100") == 0  # taken before the day's extract already seen


def test_the_sensor_looks_as_often_as_the_settings_say(defs, tmp_path):
    environment = {"C360_HOME": str(tmp_path), "C360_SENSOR_INTERVAL_SECONDS": "10"}
    sensor = build_definitions(Settings.from_env(environment)).resolve_sensor_def("landing_sensor")
    assert sensor.minimum_interval_seconds == 10
    assert defs.resolve_sensor_def("landing_sensor").minimum_interval_seconds == 60


def test_each_source_has_a_freshness_check_and_only_the_reconciliation_blocks(defs):
    specs = {
        spec.name: spec
        for spec in defs.resolve_asset_graph()
        .assets_def_for_key(dg.AssetKey(["ingestion", "load_log"]))
        .check_specs
    }
    assert {name: spec.blocking for name, spec in specs.items()} == {
        "rows_reconcile": True,
        "crm_freshness": False,
        "erp_freshness": False,
    }


def test_every_step_that_writes_is_in_one_pool_with_no_blanket_retry_policy(defs):
    graph = defs.resolve_asset_graph()
    writers = [
        dg.AssetKey(["crm", "accounts"]),
        dg.AssetKey(["erp", "invoices"]),
        dg.AssetKey(["ingestion", "load_log"]),
        dg.AssetKey(["marts", "dim_customers"]),
        dg.AssetKey(["serving", "current"]),
    ]
    ops = {graph.assets_def_for_key(key).op for key in writers}
    assert {op.pool for op in ops} == {WAREHOUSE_POOL}
    # Retries come from the error, not from a policy that retries a bug too (step_failures).
    assert [op.retry_policy for op in ops] == [None] * len(ops)
    instance_config = yaml.safe_load(DAGSTER_YAML.read_text())["concurrency"]
    assert instance_config["pools"]["default_limit"] == 1
    assert instance_config["runs"]["tag_concurrency_limits"] == [
        {"key": "c360/writes-warehouse", "limit": 1}
    ]
    assert defs.resolve_job_def("refresh").tags["c360/writes-warehouse"] == "true"


def test_the_schedule_takes_its_time_and_timezone_from_the_settings(tmp_path, monkeypatch):
    settings_for(tmp_path, monkeypatch)
    monkeypatch.setenv("C360_SCHEDULE_CRON", "30 5 * * 1-5")
    monkeypatch.setenv("C360_SCHEDULE_TIMEZONE", "Europe/Paris")
    schedule = build_schedule(Settings.from_env())
    assert (schedule.cron_schedule, schedule.execution_timezone) == (
        "30 5 * * 1-5",
        "Europe/Paris",
    )


def test_a_source_is_fresh_while_its_newest_loaded_extract_is_within_the_threshold():
    log = pl.DataFrame(
        {
            "source": ["crm", "crm", "crm", "erp"],
            "status": ["loaded", "loaded", "rejected", "rejected"],
            "extract_date": [
                dt.date(2026, 9, 1),
                dt.date(2026, 9, 3),
                dt.date(2026, 9, 4),
                dt.date(2026, 9, 4),
            ],
        }
    )
    now = dt.datetime(2026, 9, 4, 12, tzinfo=dt.UTC)
    assert source_freshness(log, "crm", now, 36) == (True, dt.date(2026, 9, 3), 36.0)
    assert source_freshness(log, "crm", now, 35.9) == (False, dt.date(2026, 9, 3), 36.0)
    assert source_freshness(log, "erp", now, 36) == (False, None, None)  # nothing loaded


def test_the_sensor_follows_each_source_and_ignores_older_folders(defs, tmp_path, monkeypatch):
    settings = settings_for(tmp_path, monkeypatch)
    sensor = defs.resolve_sensor_def("landing_sensor")
    resources = {"c360": C360Resource(home=str(tmp_path))}

    def land(source: str, day: str) -> None:
        folder = settings.landing_dir / source / day
        folder.mkdir(parents=True)
        (folder / "_SUCCESS").touch()

    def evaluate(cursor):
        context = dg.build_sensor_context(cursor=cursor, resources=resources)
        return sensor.evaluate_tick(context).run_requests, context.cursor

    land("erp", "2026-09-02")
    requests, cursor = evaluate(None)
    assert [r.run_key for r in requests] == ["landing:erp=2026-09-02"]
    land("crm", "2026-09-02")
    requests, cursor = evaluate(cursor)
    assert [r.run_key for r in requests] == ["landing:crm=2026-09-02,erp=2026-09-02"]
    land("erp", "2026-09-01")  # late, older: the next refresh ingests it anyway
    requests, cursor = evaluate(cursor)
    assert requests == []


def test_a_dbt_command_starts_without_a_version_probe_or_an_adapter(monkeypatch, tmp_path):
    """dagster-dbt's `dbt --version` subprocess and in-process adapter cost ~6 s a command."""
    import dagster_dbt.core.resource as dagster_dbt_resource

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"a subprocess was started: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    project_dir = Settings.from_env().dbt_project_dir
    resource = dbt_resource(DbtProject(project_dir=project_dir, profiles_dir=project_dir))
    assert resource._cli_version == Version(importlib.metadata.version("dbt-core"))
    invocation = resource.cli(["parse", "--quiet"], target_path=tmp_path).wait()
    assert invocation.is_successful()
    assert invocation.adapter is None
    assert (tmp_path / "manifest.json").exists()


def test_the_postgresql_step_follows_publishing_only_when_its_url_is_set(tmp_path):
    url = "postgresql://c360@127.0.0.1:5433/c360"
    off = Settings.from_env({"C360_HOME": str(tmp_path)})
    on = Settings.from_env({"C360_HOME": str(tmp_path), "C360_POSTGRES_URL": url})
    assert POSTGRES_KEY not in build_definitions(off).resolve_asset_graph().get_all_asset_keys()
    graph = build_definitions(on).resolve_asset_graph()
    assert graph.get(POSTGRES_KEY).parent_keys == {dg.AssetKey(["serving", "current"])}

"""A delivery of one CRM entity rebuilds only the models downstream of it, and publishes marts
equal to a full rebuild.

A 40-customer company is generated with five days; the first four are refreshed (a full build,
no build was recorded), then the fifth day's CRM opportunities alone land, as an intra-day
delivery would. The oracle for what must run is dbt's own graph: the manifest's descendants of
`source('crm', 'opportunities')` and of the load log (every new file adds a row to it). The
oracle for the figures is `dbt build --full-refresh` of every model in place afterwards: every
public table must be what the partial build published.
"""

import datetime as dt
import json
import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from c360.serving import resolve_current
from c360.settings import Settings
from dagster_project.run_refresh import run_refresh
from ingestion.generator import generate_company
from tests.conftest import dbt_full_refresh, settings_for
from tests.dbt.mart_baseline import differences, public_tables, save

CHANGED = ("crm.opportunities", "ingestion.load_log", "ingestion.quarantine")
FIFTH_DAY = "2026-09-05"


def land(generated: Path, landing: Path, day: str, only: tuple[str, ...] = ()) -> None:
    """Link a generated day's folders into the landing area; `only` these `source/file` names
    (with their folder's `_SUCCESS`) when given."""
    sources = {name.split("/")[0] for name in only}
    for folder in sorted(generated.glob(f"*/{day}")):
        source = folder.parent.name
        if only and source not in sources:
            continue
        target = landing / source / day
        target.mkdir(parents=True, exist_ok=True)
        for path in folder.iterdir():
            if not only or f"{source}/{path.name}" in only or path.name == "_SUCCESS":
                os.link(path, target / path.name)


def descendants(manifest: dict, entities: tuple[str, ...]) -> set[str]:
    """Names of the models and snapshots dbt's graph puts downstream of the sources."""
    seen: set[str] = set()
    stack = [f"source.c360.{entity}" for entity in entities]
    while stack:
        for child in manifest["child_map"].get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return {u.split(".")[-1] for u in seen if u.split(".")[0] in ("model", "snapshot")}


def run_results(settings: Settings) -> dict[str, set[str]]:
    """What the last dbt command ran, by resource type: unique ids."""
    results = json.loads((settings.dbt_target_dir / "run_results.json").read_text())["results"]
    ran: dict[str, set[str]] = {}
    for result in results:
        ran.setdefault(result["unique_id"].split(".")[0], set()).add(result["unique_id"])
    return ran


def names(unique_ids: set[str]) -> set[str]:
    """Model and snapshot names of dbt unique ids."""
    return {unique_id.split(".")[-1] for unique_id in unique_ids}


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory):
    """(settings, first summary, summary after the opportunities-only delivery, baseline dir)."""
    root = tmp_path_factory.mktemp("selective")
    generated = root / "generated"
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(root / "c360", monkeypatch)
        generate_company(
            generated,
            root / "truth",
            customers=40,
            seed=23,
            start=dt.date(2026, 9, 1),
            days=5,
            defects="none",
        )
        for day in range(1, 5):
            land(generated, settings.landing_dir, f"2026-09-0{day}")
        first = run_refresh(settings)
        assert first.success, first.failures + first.checks_failed
        land(generated, settings.landing_dir, FIFTH_DAY, only=("crm/opportunities.csv",))
        second = run_refresh(settings)
        assert second.success, second.failures + second.checks_failed
        baseline = root / "baseline"
        con = duckdb.connect(str(resolve_current(settings, personal_data=True)), read_only=True)
        try:
            save(con, baseline)
        finally:
            con.close()
        yield settings, first, second, baseline


def test_the_first_refresh_builds_everything_the_next_only_what_the_delivery_changed(delivered):
    settings, first, second, _ = delivered
    assert (first.build_plan, first.build_plan_reason) == (
        "full",
        "no successful build is recorded",
    )
    assert second.build_plan == ",".join(CHANGED)
    assert second.files_loaded == 1
    manifest = json.loads((settings.dbt_target_dir / "manifest.json").read_text())
    expected = descendants(manifest, CHANGED)
    ran = run_results(settings)
    assert names(ran["model"] | ran.get("snapshot", set())) == expected
    assert "rpt_pipeline" in expected and "stg_erp__invoices" not in expected
    assert len(expected) < len(descendants(manifest, ("crm.accounts",)))
    # dbt tests ran on what changed, and only there (each tests a model that was rebuilt)
    tested = [set(manifest["nodes"][u]["depends_on"]["nodes"]) for u in ran["test"]]
    assert len(tested) > 10 and all(names(parents) & expected for parents in tested)


def test_the_dagster_run_materialised_exactly_the_rebuilt_models_and_published(delivered):
    settings, first, second, _ = delivered
    with dg.DagsterInstance.get() as instance:
        records = instance.get_records_for_run(
            second.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=10_000
        ).records
    keys = {r.event_log_entry.dagster_event.asset_key for r in records}
    manifest = json.loads((settings.dbt_target_dir / "manifest.json").read_text())
    dbt_groups = {"staging", "intermediate", "marts", "quality"}
    dbt_keys = {k.path[-1] for k in keys if k.path[0] in dbt_groups}
    assert dbt_keys == descendants(manifest, CHANGED)
    assert dg.AssetKey(["serving", "current"]) in keys
    assert second.checks_passed > 0 and not second.checks_failed
    assert second.version != first.version
    assert resolve_current(settings).name == f"c360-{second.version}.duckdb"


def test_the_published_marts_equal_a_full_rebuild_of_every_model(delivered):
    settings, _, _, baseline = delivered
    dbt_full_refresh(settings)
    con = duckdb.connect(str(settings.public_db), read_only=True)
    try:
        assert len(public_tables(con)) > 40
        assert differences(con, baseline) == []
    finally:
        con.close()

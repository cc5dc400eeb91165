"""The refresh's build plan: a full build, or only what is downstream of the changed raw entities.

No warehouse is built here: the plan is made from the landing folder, the raw area and the
build-state record, and its asset selection is checked against dbt's own graph (the manifest's
`child_map`), an oracle independent of Dagster's asset graph.
"""

import json
from dataclasses import asdict

import dagster as dg
import pytest

from c360.settings import Settings
from dagster_project.build_plan import (
    PLAN_TAG,
    BuildPlan,
    covered_entities,
    plan_build,
    plan_selection,
    planned_entities,
)
from dagster_project.build_state import (
    BuildState,
    entity_fingerprints,
    read_build_state,
    rebuilds_from_scratch,
    record_build,
    write_build_state,
)
from dagster_project.definitions import build_definitions
from dagster_project.defs.dbt_assets import project_manifest
from dagster_project.defs.resources import C360Resource
from dagster_project.defs.step_failures import StepError
from dagster_project.refresh_inputs import code_fingerprint, logic_fingerprint
from ingestion.sources import load_sources
from tests.conftest import settings_for

LOAD_LOG = ("ingestion.load_log", "ingestion.quarantine")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Settings:
    """A data root with two raw entities and the record of a build of them."""
    settings = settings_for(tmp_path / "c360", monkeypatch)
    for folder in ("crm/opportunities", "erp/invoices", "_quality/quarantine", "ecb/monthly_rates"):
        (settings.raw_dir / folder).mkdir(parents=True)
        (settings.raw_dir / folder / "_empty.parquet").write_bytes(b"PAR1")
    record_build(settings, code_fingerprint(settings), None, None)
    return settings


def plan(settings: Settings) -> BuildPlan:
    return plan_build(settings, load_sources(settings.sources_file, settings.contracts_dir))


def land(settings: Settings, source: str, name: str) -> None:
    folder = settings.landing_dir / source / "2026-09-05"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("id\n1\n")
    (folder / "_SUCCESS").touch()  # a complete delivery (a folder without it waits)


def test_no_record_a_code_change_a_moved_raw_area_or_force_build_everything(home, monkeypatch):
    assert plan(home) == BuildPlan((), "0 raw entities changed")
    monkeypatch.setenv("C360_REPORTING_CURRENCY", "USD")
    assert plan(Settings.from_env()).changed is None
    monkeypatch.delenv("C360_REPORTING_CURRENCY")
    assert plan_build(home, {}, force=True).changed is None
    state = read_build_state(home)
    write_build_state(home, BuildState(state.code, "/elsewhere/raw", state.entities))
    assert plan(home).reason == "the raw area moved (the staging views name its path)"
    home.warehouse_dir.joinpath("build_state.json").unlink()
    assert plan(home) == BuildPlan(None, "no successful build is recorded")


def test_a_landed_file_counts_for_its_entity_and_the_load_log(home):
    land(home, "crm", "opportunities.csv")
    land(home, "crm", "notes.csv")  # no entity of the contract: only logged as unknown
    assert plan(home).changed == ("crm.opportunities", *LOAD_LOG)


def test_a_raw_file_rewritten_outside_a_refresh_counts_but_the_ecb_rates_do_not(home):
    (home.raw_dir / "erp/invoices/erp-invoices-1.parquet").write_bytes(b"PAR1")
    (home.raw_dir / "ecb/monthly_rates/monthly_rates.parquet").write_bytes(b"PAR1 again")
    assert plan(home).changed == ("erp.invoices",)


def test_a_partial_build_records_only_the_entities_it_covered(home):
    before = read_build_state(home).entities
    for entity in ("crm/opportunities", "erp/invoices"):
        (home.raw_dir / entity / "load-2.parquet").write_bytes(b"PAR1")
    record_build(home, code_fingerprint(home), {"crm.opportunities"}, read_build_state(home))
    after = read_build_state(home).entities
    now = entity_fingerprints(home.raw_dir)
    assert after["crm.opportunities"] == now["crm.opportunities"] != before["crm.opportunities"]
    assert after["erp.invoices"] == before["erp.invoices"] != now["erp.invoices"]
    assert plan(home).changed == ("erp.invoices",)


def test_the_dbt_step_refuses_a_planned_build_that_raw_changes_outgrew(home):
    (home.raw_dir / "crm/opportunities/load-2.parquet").write_bytes(b"PAR1")
    assert covered_entities(home, "crm.opportunities", full=False)[:2] == (
        True,
        {"crm.opportunities"},
    )
    (home.raw_dir / "erp/invoices/load-2.parquet").write_bytes(b"PAR1")
    with pytest.raises(StepError, match=r"not rebuilt by it: erp\.invoices"):
        covered_entities(home, "crm.opportunities", full=False)
    assert covered_entities(home, None, full=False)[0] is False  # a UI selection: not recorded
    assert covered_entities(home, "crm.opportunities", full=True)[:2] == (True, None)
    assert planned_entities("none") == set()


def _descendants(child_map: dict[str, list[str]], roots: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        for child in child_map.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def test_the_selection_is_what_dbt_selects_downstream_of_the_sources_and_publishing():
    settings = Settings.from_env()
    definitions = build_definitions(settings)
    graph = definitions.resolve_asset_graph()
    changed = ("crm.opportunities", *LOAD_LOG)
    selected = set(plan_selection(BuildPlan(changed, "test"), graph))

    manifest = json.loads(project_manifest(settings.dbt_project_dir).read_text())
    downstream = _descendants(manifest["child_map"], [f"source.c360.{e}" for e in changed])
    dbt_nodes = {
        manifest["nodes"][u]["name"] for u in downstream if u.split(".")[0] in ("model", "snapshot")
    }
    dbt_keys = graph.assets_def_for_key(dg.AssetKey(["marts", "dim_customers"])).keys
    dbt_selected = selected & dbt_keys
    assert {key.path[-1] for key in dbt_selected} == dbt_nodes
    assert 10 < len(dbt_selected) < len(dbt_keys) / 2
    assert dg.AssetKey(["marts", "rpt_pipeline"]) in selected
    assert dg.AssetKey(["staging", "stg_erp__invoices"]) not in selected
    assert {
        dg.AssetKey(["serving", "current"]),
        dg.AssetKey(["catalogue", "published"]),
    } <= selected
    raw = {k for k in graph.get_all_asset_keys() if graph.get(k).group_name == "raw"}
    assert raw <= selected  # ingestion always runs: it is what loads the new files
    assert plan_selection(BuildPlan(None, "full"), graph) is None


def test_the_code_fingerprint_is_the_same_whether_the_settings_were_exported_or_not(
    home, monkeypatch
):
    """The schedule and sensor plan in the daemon, which never exported the settings; the dbt
    step records in the refresh's process, which did: both must see the same code."""
    exported = code_fingerprint(home)
    for key in home.dbt_env():
        monkeypatch.delenv(key, raising=False)
    assert code_fingerprint(home) == exported
    assert plan(home).changed == ()


def test_when_refreshes_start_is_not_part_of_what_they_compute(home, monkeypatch):
    before = code_fingerprint(home)
    monkeypatch.setenv("C360_SENSOR_INTERVAL_SECONDS", "10")
    monkeypatch.setenv("C360_SCHEDULE_CRON", "0 * * * *")
    assert code_fingerprint(Settings.from_env()) == before
    monkeypatch.setenv("C360_REPORTING_CURRENCY", "USD")  # this one decides figures
    assert code_fingerprint(Settings.from_env()) != before


def test_the_landing_sensor_requests_a_run_of_only_what_the_delivery_changes(home):
    definitions = build_definitions(home)
    land(home, "crm", "opportunities.csv")
    (home.landing_dir / "crm" / "2026-09-05" / "_SUCCESS").touch()
    context = dg.build_sensor_context(
        resources={"c360": C360Resource(home=str(home.home))}, definitions=definitions
    )
    [request] = definitions.resolve_sensor_def("landing_sensor").evaluate_tick(context).run_requests
    assert request.tags[PLAN_TAG] == ",".join(("crm.opportunities", *LOAD_LOG))
    selected = set(request.asset_selection)
    assert dg.AssetKey(["marts", "rpt_pipeline"]) in selected
    assert dg.AssetKey(["serving", "current"]) in selected
    assert dg.AssetKey(["staging", "stg_erp__invoices"]) not in selected


def test_incremental_models_rebuild_from_scratch_when_the_logic_changed_not_a_decision(
    home, monkeypatch
):
    """A code or settings change rebuilds them whole; a steward's decision is data they follow."""
    logic = logic_fingerprint(home)
    record_build(home, code_fingerprint(home), None, None, logic)
    assert not rebuilds_from_scratch(read_build_state(home), logic)
    assert rebuilds_from_scratch(None, logic)  # nothing recorded
    old_record = BuildState(**{**asdict(read_build_state(home)), "logic": ""})
    assert rebuilds_from_scratch(old_record, logic)  # recorded before the field existed

    home.identity_overrides.parent.mkdir(parents=True)
    home.identity_overrides.write_text("record_a,record_b,decision\nerp:1,erp:2,same\n")
    assert code_fingerprint(home) != read_build_state(home).code  # the plan builds everything
    assert not rebuilds_from_scratch(read_build_state(home), logic_fingerprint(home))

    monkeypatch.setenv("C360_REPORTING_CURRENCY", "USD")
    assert rebuilds_from_scratch(read_build_state(home), logic_fingerprint(Settings.from_env()))

"""Which models a refresh rebuilds: those downstream of the raw entities that changed.

Before a refresh starts, its plan is made from what is known then:
- a full build (every model, today's behaviour) when no build was recorded, when the code,
  dbt project or settings changed since (`refresh_inputs.code_fingerprint`), when the raw area
  moved, or when asked (`c360 refresh --force`);
- otherwise the raw entities that will change or did change since the last successful build
  (`build_state`): those of the landed files ingestion has not loaded yet (a file's name gives
  its entity; a preset's native file may feed any entity of its source, so it counts for them
  all; any new file adds a row to the load log, so `ingestion.load_log` and
  `ingestion.quarantine` count too), and those whose raw files differ from the record (an
  erasure, a build that failed, a load outside a refresh).

The run's asset selection is then every ingestion asset, every asset downstream of a changed
entity in Dagster's asset graph (the dbt models `dbt build --select source:<entity>+` would
build, dbt tests as their checks), the catalogue and publishing. dagster-dbt turns the selected
dbt assets into the `--select` of its one `dbt build`; models not selected are not in the run,
so publishing is not skipped for their missing outputs (with every asset in the run and dbt
told to build fewer, Dagster 1.13 skips every step downstream of an output not produced), and
the run's lineage in the UI shows what was rebuilt. Unselected models keep their tables, which
the publication copies with the rest of `public.duckdb`.

The plan rides on the run as the tag `c360/build-plan`, and why as `c360/build-plan-reason`;
the dbt step checks the plan against the raw area after ingestion (`covered_entities`) and
records what the build covered (`build_state`).
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from c360.settings import Settings
from dagster_project.build_state import (
    QUALITY_SOURCE,
    changed_entities,
    read_build_state,
)
from dagster_project.defs.catalogue_asset import CATALOGUE_KEY
from dagster_project.defs.ingestion_assets import RAW_GROUP
from dagster_project.defs.publish_asset import SERVING_KEY
from dagster_project.defs.step_failures import StepError
from dagster_project.refresh_inputs import code_fingerprint, pending_files
from ingestion.landing import match_entity
from ingestion.sources import Source

PLAN_TAG = "c360/build-plan"
PLAN_REASON_TAG = "c360/build-plan-reason"  # why: shown by `c360 refresh` and `c360 status`
FULL = "full"
NOTHING = "none"
LOAD_LOG_ENTITIES = frozenset({f"{QUALITY_SOURCE}.load_log", f"{QUALITY_SOURCE}.quarantine"})


@dataclass(frozen=True)
class BuildPlan:
    """A full build (`changed` None) or the raw entities whose downstream models rebuild."""

    changed: tuple[str, ...] | None
    reason: str

    @property
    def full(self) -> bool:
        """Whether every model builds."""
        return self.changed is None

    @property
    def tag(self) -> str:
        """The plan as the run's tag value: `full`, `none` or the entities, comma separated."""
        if self.changed is None:
            return FULL
        return ",".join(self.changed) or NOTHING

    @property
    def tags(self) -> dict[str, str]:
        """The run tags that carry the plan (its entities) and why it was made."""
        return {PLAN_TAG: self.tag, PLAN_REASON_TAG: self.reason}


def planned_entities(tag: str | None) -> set[str] | None:
    """The entities a run's plan tag names; None for a full plan or a run with no plan."""
    if tag is None or tag == FULL:
        return None
    return set() if tag == NOTHING else set(tag.split(","))


def pending_entities(settings: Settings, sources: dict[str, Source]) -> set[str]:
    """The raw entities the landed, not yet loaded files will change when ingestion runs."""
    files = pending_files(settings)
    entities = set(LOAD_LOG_ENTITIES) if files else set()
    for relative in files:
        source = sources.get(relative.split("/", 1)[0])
        if source is None:  # a folder no source reads: ingestion leaves it alone
            continue
        name = source.contract.source
        if source.preset is not None:  # a native file may feed any canonical entity
            entities |= {f"{name}.{entity}" for entity in source.contract.entities}
            continue
        entity, _ = match_entity(source.contract, relative.rsplit("/", 1)[-1])
        if entity is not None:
            entities.add(f"{name}.{entity.name}")
    return entities


def plan_build(settings: Settings, sources: dict[str, Source], *, force: bool = False) -> BuildPlan:
    """The plan of the next refresh (see the module's docstring)."""
    if force:
        return BuildPlan(None, "a full build was asked for")
    state = read_build_state(settings)
    if state is None:
        return BuildPlan(None, "no successful build is recorded")
    if state.raw_dir != str(settings.raw_dir):
        return BuildPlan(None, "the raw area moved (the staging views name its path)")
    if state.code != code_fingerprint(settings):
        return BuildPlan(None, "the code, dbt project or settings changed since the last build")
    changed = pending_entities(settings, sources) | changed_entities(settings, state)
    return BuildPlan(tuple(sorted(changed)), f"{len(changed)} raw entities changed")


def plan_selection(plan: BuildPlan, asset_graph) -> list[dg.AssetKey] | None:
    """The run's asset selection for the plan: None (every asset) for a full build."""
    if plan.changed is None:
        return None
    known = asset_graph.get_all_asset_keys()
    changed = [dg.AssetKey(e.split(".", 1)) for e in plan.changed]
    selection = (
        dg.AssetSelection.groups(RAW_GROUP)
        | dg.AssetSelection.assets(*(key for key in changed if key in known)).downstream()
        | dg.AssetSelection.assets(
            *(k for k in (CATALOGUE_KEY, SERVING_KEY) if k in known)
        ).downstream()
    )
    return sorted(selection.resolve(asset_graph))


def covered_entities(
    settings: Settings, tag: str | None, full: bool
) -> tuple[bool, set[str] | None, str]:
    """What a dbt build about to run covers: (record it?, entities or None for all, code).

    A build of every model covers everything. A planned partial build covers its plan's
    entities, and raises if the raw area changed elsewhere since the last build (files landed
    after the plan was made and were ingested by this run): its models would not be rebuilt,
    so the version published would not equal a full build; readers keep theirs, and the next
    refresh plans from the raw area, those entities included. A partial build nobody planned
    (a selection made in the UI) is not recorded: the next plan rebuilds what it may have left.
    """
    code = code_fingerprint(settings)
    if full:
        return True, None, code
    planned = planned_entities(tag)
    state = read_build_state(settings)
    if planned is None or state is None:
        return False, None, code
    if state.code != code or state.raw_dir != str(settings.raw_dir):
        raise StepError(
            "the code, settings or raw area changed after this refresh was planned; "
            "the next refresh builds every model"
        )
    unplanned = changed_entities(settings, state) - planned
    if unplanned:
        raise StepError(
            "raw data changed after this refresh was planned, not rebuilt by it: "
            + ", ".join(sorted(unplanned))
            + "; readers keep their version and the next refresh includes them"
        )
    return True, planned, code

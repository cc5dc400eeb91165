"""The dbt project as Dagster assets; dbt tests appear as asset checks.

The manifest is produced by the project's own code (`ensure_manifest`), re-parsed only when a
file of the dbt project is newer than it, so loading the definitions costs no parse (~3 s) when
nothing changed.
"""

import importlib.metadata
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any
from unittest import mock

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from packaging.version import Version

from c360.fault_points import DBT_BUILD_RUNNING, fault_point
from c360.refresh_lock import refresh_lock
from c360.settings import Settings
from dagster_project.build_plan import PLAN_TAG, covered_entities
from dagster_project.build_state import read_build_state, rebuilds_from_scratch, record_build
from dagster_project.dbt_failures import build_failure
from dagster_project.defs.ingestion_assets import WAREHOUSE_POOL
from dagster_project.defs.resources import C360Resource
from dagster_project.defs.step_failures import DbtBuildError, failures_named
from dagster_project.refresh_inputs import logic_fingerprint

PROJECT_SOURCES = ("models", "macros", "tests", "seeds", "snapshots")
PUBLIC_GROUPS = frozenset({"marts", "quality"})
# dbt unit tests check the models' logic on fixed fixtures, not the day's data: they run in CI
# (tests/dbt/test_unit_tests.py), not in every refresh, as dbt's documentation recommends.
REFRESH_BUILD_ARGS = ("build", "--exclude-resource-type", "unit_test")


def refresh_log_args(settings: Settings) -> list[str]:
    """Where and how much dbt's own log file of a refresh holds: the data root's, at info level.

    Not the project folder's `logs/`, which every data root and process would share; info, not
    dbt's default debug: the file line of every statement cost 4 s of a 40 s build of the test
    company (`dbt build` in a built data root, 40.4 s against 36.4 s), and the compiled SQL of
    every node stays in the target folder beside it.
    """
    return ["--log-path", str(settings.dbt_target_dir / "logs"), "--log-level-file", "info"]


class C360DbtTranslator(DagsterDbtTranslator):
    """Group every dbt node by its layer folder (staging, intermediate, marts, quality)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """`models/marts/quality/x.sql` is in group quality, `models/marts/finance` in marts."""
        fqn = dbt_resource_props.get("fqn", [])
        if len(fqn) > 2 and fqn[1] == "marts" and fqn[2] == "quality":
            return "quality"
        return fqn[1] if len(fqn) > 2 else "default"


def _newest_source_mtime(project_dir: Path) -> float:
    files = [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    for folder in PROJECT_SOURCES:
        files.extend(p for p in (project_dir / folder).rglob("*") if p.is_file())
    return max(p.stat().st_mtime for p in files if p.exists())


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), else the one on PATH.

    Beside this Python, `c360-dbt` (dagster_project/dbt_launcher.py: dbt without the log lines
    nobody keeps) when the project's own commands are installed there, else plain `dbt`.
    """
    folder = Path(sys.executable).parent
    for name in ("c360-dbt", "dbt"):
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which("dbt") or "dbt"


class C360DbtCliResource(DbtCliResource):
    """dagster-dbt's CLI resource without two start-up costs of each dbt command.

    Before every command, dagster-dbt runs `dbt --version` in a subprocess to learn the version
    (3-4 s here: it imports all of dbt) and builds a dbt adapter in this process (2.5 s), which
    it uses only to fetch row counts and column metadata; c360 fetches neither. Both sit on the
    path of every refresh, before dbt starts. When the dbt run is the one beside this Python
    (the project's venv), its version is the installed dbt-core's; otherwise dagster-dbt asks.
    """

    @cached_property
    def _cli_version(self) -> Version:
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return Version(importlib.metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_resource(project: DbtProject) -> DbtCliResource:
    """The dbt CLI resource for the project, with its profile read from the project folder."""
    return C360DbtCliResource(
        project_dir=project,
        profiles_dir=str(project.profiles_dir),
        dbt_executable=dbt_executable(),
    )


def ensure_manifest(project: DbtProject) -> Path:
    """Run `dbt parse` when the manifest is missing or older than the project's files."""
    manifest = project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(
        project.project_dir
    ):
        # With a refresh's profile (the settings' dbt variables): dagster-dbt copies this
        # parse's partial_parse.msgpack into the target folder of every new data root, whose
        # first refresh then reuses it instead of parsing the whole project (dbt_launcher.py).
        with mock.patch.dict(os.environ, Settings.from_env().dbt_env()):
            dbt_resource(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return manifest


def project_manifest(project_dir: Path) -> Path:
    """The dbt manifest of the project, parsed first if it is missing or stale."""
    return ensure_manifest(DbtProject(project_dir=project_dir, profiles_dir=project_dir))


def build_dbt_assets(project_dir: Path) -> tuple[dg.AssetsDefinition, DbtCliResource]:
    """The dbt assets of the project and the CLI resource that runs them."""
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    ensure_manifest(project)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=C360DbtTranslator(),
        name="dbt_build",
        pool=WAREHOUSE_POOL,
    )
    def dbt_build(context: dg.AssetExecutionContext, dbt: DbtCliResource, c360: C360Resource):
        """Build and test the selected models; holds the refresh lock (one writer at a time)."""
        settings = c360.settings()
        settings.export_to_environ()
        settings.build_db.parent.mkdir(parents=True, exist_ok=True)
        with failures_named(context), refresh_lock(settings.refresh_lock):
            assets_def = context.assets_def
            record, covered, code = covered_entities(
                settings,
                context.run.tags.get(PLAN_TAG),
                full=assets_def.keys_by_output_name == assets_def.node_keys_by_output_name,
            )
            previous = read_build_state(settings)
            logic = logic_fingerprint(settings)
            from_scratch = ["--full-refresh"] if rebuilds_from_scratch(previous, logic) else []
            invocation = dbt.cli(
                [*REFRESH_BUILD_ARGS, *from_scratch, *refresh_log_args(settings)],
                context=context,
                target_path=settings.dbt_target_dir,
                raise_on_error=False,
            )
            for event in invocation.stream():
                yield event
                fault_point(DBT_BUILD_RUNNING)
            if not invocation.is_successful():
                # Retried only when a node failed on a lock held by a client (step_failures).
                results = invocation.get_artifact("run_results.json").get("results", [])
                raise DbtBuildError(build_failure(results, settings, invocation.get_error()))
            if record:  # what the next refresh's plan compares the raw area with
                record_build(settings, code, covered, previous, logic)

    return dbt_build, dbt_resource(project)


def public_asset_keys(dbt_build: dg.AssetsDefinition) -> list[dg.AssetKey]:
    """Keys of the models readers see (marts and quality schemas): what publishing copies."""
    groups = dbt_build.group_names_by_key
    return sorted(k for k in dbt_build.keys if groups.get(k) in PUBLIC_GROUPS)

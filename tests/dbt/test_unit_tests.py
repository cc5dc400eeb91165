"""The dbt unit tests, run here rather than in every refresh.

They check each model's logic on fixed fixture rows, so the day's data cannot change their
outcome; a refresh builds with `--exclude-resource-type unit_test` (dbt's own advice for
production runs) and CI runs them all, on the session's built company, whose tables give dbt
the input columns it needs.
"""

import json
import os
import subprocess
from pathlib import Path

from c360.settings import REPO_ROOT, Settings
from dagster_project.defs.dbt_assets import dbt_executable
from tests.conftest import start_from_the_refreshes_parse


def _unit_tests_in_manifest(manifest: Path) -> set[str]:
    nodes = json.loads(manifest.read_text())["unit_tests"]
    return set(nodes)


def test_every_dbt_unit_test_passes_on_the_built_company(built: Path, tmp_path: Path) -> None:
    settings = Settings.from_env({"C360_HOME": str(built)})
    env = {**os.environ, "C360_HOME": str(built), **settings.dbt_env()}
    target = tmp_path / "target"
    start_from_the_refreshes_parse(settings, target)
    done = subprocess.run(
        [dbt_executable(), "test", "--resource-type", "unit_test", "--target-path", str(target)],
        cwd=REPO_ROOT / "dbt",
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    # The project's on-run-start hook runs too: it is an operation, not a unit test.
    results = [r for r in results if r["unique_id"].startswith("unit_test.")]
    ran = {r["unique_id"] for r in results}
    assert ran == _unit_tests_in_manifest(target / "manifest.json")
    assert len(ran) >= 30
    assert {r["status"] for r in results} == {"pass"}

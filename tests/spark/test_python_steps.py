"""Every dbt Python model has its Spark step: dagster_project.spark_build runs its library code, and
the model stays a dbt node on Spark (not disabled), so that `ref`, its data tests and the unit tests
that mock it resolve there as on DuckDB. spark_build leaves the Python models out of every dbt
command (dbt-spark cannot run them) and stops when the manifest's Python models are not the
steps it runs; this catches a Python model added without its step on every machine, Java or
not."""

from c360.settings import REPO_ROOT
from dagster_project.spark_python_steps import CLV_STEPS, IDENTITY_STEPS

DBT_DIR = REPO_ROOT / "dbt"


def python_models() -> set[str]:
    return {path.stem for path in (DBT_DIR / "models").rglob("*.py")}


def test_spark_build_runs_every_python_model():
    assert set(IDENTITY_STEPS) | set(CLV_STEPS) == python_models()


def test_no_python_model_is_configured_apart_in_the_project_file():
    # A Python model disabled on Spark here would break the unit tests that mock it there.
    project = (DBT_DIR / "dbt_project.yml").read_text()
    assert [name for name in sorted(python_models()) if name in project] == []

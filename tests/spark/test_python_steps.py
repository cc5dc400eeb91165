"""Every dbt Python model has its Spark stand-in: disabled on Spark, run by c360.spark_build,
and read by `ref` from the table spark_build writes. A Python model added without all three
breaks the Spark build only when Java is present; this catches it on every machine."""

import re

from c360.settings import REPO_ROOT
from c360.spark_build import CLV_STEPS, IDENTITY_STEPS

DBT_DIR = REPO_ROOT / "dbt"


def python_models() -> set[str]:
    return {path.stem for path in (DBT_DIR / "models").rglob("*.py")}


def test_spark_build_runs_every_python_model():
    assert set(IDENTITY_STEPS) | set(CLV_STEPS) == python_models()


def test_ref_reads_every_python_models_spark_table():
    macro = (DBT_DIR / "macros" / "python_steps.sql").read_text()
    assert set(re.findall(r'"(\w+)": "(?:intermediate|quality|marts)"', macro)) == python_models()


def test_every_python_model_is_disabled_on_spark():
    project = (DBT_DIR / "dbt_project.yml").read_text()
    disabled = set(
        re.findall(r"(\w+): \{\+enabled: \"\{\{ target.type != 'spark' \}\}\"\}", project)
    )
    assert disabled == python_models()

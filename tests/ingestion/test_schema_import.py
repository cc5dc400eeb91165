"""Importing the validation schema prints nothing, whichever extras are installed."""

import importlib.util
import subprocess
import sys

import pytest


@pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None, reason="the warning comes with the spark extra"
)
def test_the_spark_extras_pandas_warning_does_not_reach_the_user():
    """pandera imports `pyspark.pandas`, which warned on every `c360 refresh` (pandas 3)."""
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", "import ingestion.schema"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")

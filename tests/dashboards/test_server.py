"""`c360 serve` warms the server up: a first page after a start imports nothing heavy."""

import json
import subprocess
import sys
from pathlib import Path

from tests.dashboards.app import DASHBOARDS

HEAVY = (
    *("pandas", "numpy", "pyarrow", "polars", "duckdb", "plotly", "_plotly_utils", "narwhals"),
    *("metricflow", "metricflow_semantics"),
)

# A fresh interpreter: the server's state after warm_up, then every page's first run.
FIRST_RUNS = """
import json, logging, sys
logging.getLogger("streamlit").setLevel(logging.ERROR)
from streamlit.testing.v1 import AppTest
from dashboards.server import warm_up
warm_up()
before = set(sys.modules)
for script in sys.argv[1:]:
    app = AppTest.from_file(script, default_timeout=60)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_after_the_warm_up_no_page_imports_a_heavy_module_on_its_first_run(published):
    scripts = [str(DASHBOARDS / "streamlit_app.py")]
    scripts += sorted(str(p) for p in (DASHBOARDS / "views").glob("*.py"))
    result = subprocess.run(
        [sys.executable, "-c", FIRST_RUNS, *scripts],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(scripts) == 12  # the app and its eleven pages
    assert [name for name in imported if name.split(".")[0] in HEAVY] == []

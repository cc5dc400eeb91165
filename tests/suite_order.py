"""The order `make test` hands test files to its workers: longest first, by measured seconds.

`make test` runs whole files on each of its workers (`--dist loadfile`, so a module's fixtures
are built once) in the order of the collection (`--no-loadscope-reorder`: xdist would otherwise
sort files by their number of tests, which says little about their time: the Spark parity file
has a few tests and takes minutes). Longest first is the classic greedy schedule: the long files
start at once on both workers and the many short ones fill in at the end, instead of one worker
running a long file alone while the other has finished.

A file's seconds come from `tests/durations.json`, written by a run with `--record-durations
tests/durations.json` (`make durations`): each file's set-up, call and tear-down seconds
summed. A file not measured yet (a new one) goes first if its tests are marked `slow`
(`conftest.py`), else last: a guess that the next recording replaces.
"""

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS = Path(__file__).with_name("durations.json")
UNMEASURED_SLOW_SECONDS = 60.0  # a new slow file: as long as a warehouse build and a few tests


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--record-durations PATH`: write each test file's seconds there at the end of the run."""
    parser.addoption(
        "--record-durations",
        metavar="PATH",
        default=None,
        help="write each test file's seconds (set-up, call, tear-down) to PATH as JSON",
    )


def file_of(nodeid: str) -> str:
    """The test file of a node id, as the durations file keys it (`tests/x/test_y.py`)."""
    return nodeid.split("::", 1)[0]


def measured_seconds() -> dict[str, float]:
    """The committed seconds per test file; empty when the file is missing or unreadable."""
    try:
        return {str(k): float(v) for k, v in json.loads(DURATIONS.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def expected_seconds(items: list[pytest.Item], measured: dict[str, float]) -> dict[str, float]:
    """Each collected file's expected seconds: measured, else the guess for a new file."""
    expected: dict[str, float] = {}
    for item in items:
        name = file_of(item.nodeid)
        if name in measured:
            expected[name] = measured[name]
        elif item.get_closest_marker("slow") is not None:
            expected[name] = UNMEASURED_SLOW_SECONDS
        else:
            expected.setdefault(name, 0.0)
    return expected


@pytest.hookimpl(trylast=True)  # after conftest marked the slow tests, which the guess reads
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the files longest first, each file's tests kept together and in their order."""
    expected = expected_seconds(items, measured_seconds())
    items.sort(key=lambda item: -expected[file_of(item.nodeid)])  # stable within a file


class DurationRecorder:
    """Sums each file's report durations as reports arrive (on the controller under xdist)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Add a set-up, call or tear-down report's seconds to its file."""
        self.seconds[file_of(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the seconds, longest first, rounded to a tenth."""
        ordered = sorted(self.seconds.items(), key=lambda kv: -kv[1])
        text = json.dumps({name: round(s, 1) for name, s in ordered}, indent=1)
        self.path.write_text(text + "\n")


def pytest_configure(config: pytest.Config) -> None:
    """Record durations when asked, in the process that sees every report (not an xdist worker)."""
    path = config.getoption("--record-durations")
    if path and os.environ.get("PYTEST_XDIST_WORKER") is None:
        config.pluginmanager.register(DurationRecorder(Path(path)), "c360-duration-recorder")

"""dbt's command line (`c360-dbt`), with a log line built only for a logger that keeps it.

Why: dbt hands every event it fires to each of its loggers (the JSON stream on standard output
that dagster-dbt reads, and the log file), and each logger formats the event into its line (a
JSON document with the environment's secrets scrubbed) before Python's logging looks at the
line's level and drops it. A build fires debug events for every SQL statement and connection
step, and a refresh logs at info: at 333 nodes, tens of thousands of lines were built to be
thrown away. Measured on the 60-customer test company, the refresh's `dbt build` of every node,
alternating with plain `dbt` (two runs each after a warm-up): 37.9 against 43.4 CPU s and 33.9
against 39.5 s wall (docs/benchmarks.md).

The lines that are written are the same, in the same order, and so is every other behaviour:
`write_line_if_kept` asks the logger's own level first, as Python's logging would have, and
hands everything else to dbt's `write_line` unchanged. Print events (`dbt ls` output, which dbt
sends at error level so that `--quiet` keeps them) always go through.

It patches dbt-common's private `_Logger.write_line`, so it is tied to the dbt-core range the
project pins (below 1.12); `test_dbt_launcher.py` fails when that method or its contract moves.
"""

import logging
import sys

from dbt_common.events.base_types import EventMsg
from dbt_common.events.logger import _is_print_event, _Logger

# dbt's level names as its `send_to_logger` maps them onto Python's logging.
PYTHON_LEVELS = {
    "test": logging.DEBUG,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
}

_dbt_write_line = _Logger.write_line


def write_line_if_kept(self: _Logger, msg: EventMsg) -> None:
    """The logger's `write_line`, skipped when the logger would drop the line for its level."""
    logger = self._python_logger
    dropped = logger is not None and not logger.isEnabledFor(
        PYTHON_LEVELS.get(msg.info.level, logging.ERROR)
    )
    if not dropped or _is_print_event(msg):
        _dbt_write_line(self, msg)


def build_only_kept_lines() -> None:
    """Put `write_line_if_kept` in place of dbt's `write_line`, for dbt run in this process."""
    _Logger.write_line = write_line_if_kept  # type: ignore[method-assign]


def main() -> None:
    """Run dbt's command line with `write_line_if_kept` in place (the `c360-dbt` command)."""
    build_only_kept_lines()
    from dbt.cli.main import cli

    sys.exit(cli())

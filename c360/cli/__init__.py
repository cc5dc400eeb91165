"""The `c360` command line: generate, refresh, serve, audit, sql, status, demo, rollback, soak...

The others: metrics (list, query), subject (export, erase), check, bench, postgres (start, stop,
status, load, add-login). One module a group of commands, each with its handlers and its
`register(sub)` that adds them to the parser; `output` prints for all of them.

It is the composition root: the one place of the core that reaches into the generator, the
Dagster job and the Streamlit app, each imported only by the command that needs it.
"""

from __future__ import annotations

import argparse

from c360.cli import benchmarks, postgres, reading, subject, warehouse
from c360.cli.output import err
from c360.disk_full import DISK_FULL_ERRNOS, DISK_FULL_REMEDY
from c360.settings import Settings
from c360.settings_values import SettingsError

# The order of `c360 --help`.
COMMAND_GROUPS = (warehouse, reading, subject, postgres, benchmarks)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="c360", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `c360` console script."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:  # before any work: the command has not started
        err(f"c360 {args.command}: {exc}")
        return 2
    try:
        return args.func(args, settings)
    except KeyboardInterrupt:
        return 130
    except RuntimeError as exc:  # the product's own errors: a message, no traceback
        err(f"c360 {args.command}: {exc}")
        return 1
    except OSError as exc:  # the machine's refusal (a full disk, a permission): its reason
        err(f"c360 {args.command}: {_os_error_message(exc, settings)}")
        return 1


def _os_error_message(exc: OSError, settings: Settings) -> str:
    """The operating system's reason and the file, and for a full disk what to do.

    Wherever a full disk strikes (the refresh lock, a log, a raw file), the remedy is the same.
    """
    on = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in DISK_FULL_ERRNOS:
        return (
            f"the disk is full: {exc.strerror}{on}: {DISK_FULL_REMEDY} "
            f"(C360_HOME is {settings.home}), then run the command again"
        )
    return f"{exc.strerror or exc}{on}"

"""A failed dbt build in one line: each failed node's own error, and what to do when memory ran out.

dbt starts every node's error with a header naming the node and its file ("Runtime Error in model
stg_crm__accounts (models/staging/crm/stg_crm__accounts.sql)") and puts the database's own
message on the next line. The refresh used to keep the first line only, so a build under a
memory limit too small for the company listed 33 headers and not once "Out of Memory Error".
Here the reason is the database's line; the first few failed nodes are named and the rest
counted (dbt's `run_results.json` and log hold them all); and when DuckDB ran out of memory, the
message says which setting bounds it and what to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from c360.settings import Settings

FAILED = frozenset({"error", "fail"})
NAMED_NODES = 5
OUT_OF_MEMORY = "Out of Memory Error"
# dbt's header before the database's message: "<Kind> Error in <node type> <name> (<path>)".
_HEADER = re.compile(r"^[\w ]*Error in (model|test|seed|snapshot|unit_test|operation|sql) \S+")
# Where a Python model's message turns into the traceback of what it raised.
_TRACEBACK = "Traceback (most recent call last):"
# Where dagster-dbt's error for a failed invocation lists dbt's error-level log messages.
_PARSED_ERRORS = "Errors parsed from dbt logs:"


def node_reason(message: str | None, status: str) -> str:
    """The line of a node's message that says why it failed: the one after dbt's header.

    A Python model's message is "Python model failed:" and a traceback, whose last line is the
    exception: both are kept ("Python model failed: ValueError: ...").
    """
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if len(lines) > 1 and _HEADER.match(lines[0]):
        lines = lines[1:]
    if not lines:
        return status
    if _TRACEBACK in lines[1:]:  # a Python model's: what it raised is the traceback's last line
        return f"{lines[0]} {lines[-1]}"
    if lines[0] == _TRACEBACK:
        return lines[-1]
    return lines[0]


def failed_nodes(results: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(`<type> <name>`, reason) of every node that errored or failed its test, in run order."""
    failed = []
    for result in results:
        if result.get("status") in FAILED:
            kind, _, name, *_ = result["unique_id"].split(".")
            failed.append((f"{kind} {name}", node_reason(result.get("message"), result["status"])))
    return failed


def dbt_error_reason(error: Exception | None) -> str | None:
    """The error dbt itself gave when no node failed (it could not open the build file), or None.

    What `DbtCliInvocation.get_error()` lists after "Errors parsed from dbt logs:", without
    dbt's "Encountered an error:" header.
    """
    _, found, messages = str(error or "").partition(_PARSED_ERRORS)
    lines = [line.strip() for line in messages.splitlines() if line.strip()]
    lines = [line for line in lines if line != "Encountered an error:"]
    return lines[0] if found and lines else None


def build_failure(
    results: Iterable[Mapping[str, Any]], settings: Settings, error: Exception | None = None
) -> str:
    """The one-line account of a failed build: `dbt build failed: <node>: <reason>; ...`.

    With no failed node, dbt's own `error` (the invocation's) gives the reason.
    """
    failed = failed_nodes(results)
    if not failed:
        return f"dbt build failed: {dbt_error_reason(error) or 'see the dbt log'}"
    named = [f"{node}: {reason}" for node, reason in failed[:NAMED_NODES]]
    if len(failed) > NAMED_NODES:
        named.append(f"and {len(failed) - NAMED_NODES} more (dbt's run_results.json)")
    text = "dbt build failed: " + "; ".join(named)
    if any(OUT_OF_MEMORY in reason for _, reason in failed):
        text += (
            f". The build's DuckDB ran out of memory under C360_BUILD_MEMORY_LIMIT="
            f"{settings.build_memory_limit} with C360_BUILD_THREADS={settings.build_threads}:"
            ' raise the limit or lower the threads (docs/operations.md, "The build\'s memory")'
        )
    return text

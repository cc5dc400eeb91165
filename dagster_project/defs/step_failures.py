"""What a failing refresh step does: retry a passing trouble, fail at once, always name the cause.

A retry policy on every step once retried any error twice: a reader that refused a file or a bug
in a model failed the same way three times, 30 s later, and the run said only "Exceeded
max_retries of 2". Here the decision is made once, from the exception: a file or database lock
held by someone else, a busy file or a full disk can pass, so the step is retried
(`dg.RetryRequested`, up to `TRANSIENT_RETRIES` times, waiting 2, 4, 8 s); anything else is
deterministic and fails the step at once (`dg.Failure`, no retry) with the file it was on, the
exception and its message, in the run's failure metadata and in the one-line reason `c360 refresh`
and `c360 status` print (`failure_reason`).
"""

from __future__ import annotations

import errno
import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dagster as dg

from c360.disk_full import DISK_FULL_ERRNOS, DISK_FULL_MESSAGES, DISK_FULL_REMEDY, says_disk_full
from c360.refresh_lock import RefreshInProgressError
from ingestion.source_child import RemoteTracebackError, error_chain

TRANSIENT_RETRIES = 3
FIRST_WAIT_SECONDS = 2
LOCK_MESSAGES = (
    "Could not set lock on file",  # DuckDB: another process has the file open read-write
    "Conflicting lock is held",
)
TRANSIENT_MESSAGES = (
    *LOCK_MESSAGES,
    "Resource temporarily unavailable",
    "Device or resource busy",
    "Text file busy",
    *DISK_FULL_MESSAGES,
)
TRANSIENT_ERRNOS = frozenset({errno.EAGAIN, errno.EBUSY, errno.ETXTBSY, errno.EINTR}) | (
    DISK_FULL_ERRNOS
)
_EXCEEDED = re.compile(r"^Exceeded max_retries of (\d+)")


class StepError(RuntimeError):
    """A step's own account of its failure (e.g. dbt's failed nodes): its message says it all."""


class DbtBuildError(StepError):
    """A dbt build that failed: its nodes' reasons (dagster_project.dbt_failures).

    Only a lock held by a client makes it worth another try. A full disk during a build is
    mostly the build's own spill and tables, which the next attempt fills again after as long:
    at a million customers that is minutes of build, three times over, under the refresh lock.
    """


def is_transient(exc: BaseException) -> bool:
    """Whether the error can pass by itself (a lock, a busy file, a full disk): worth a retry.

    The one home of the rule. Judged on the exception and the ones it was raised from.
    """
    for error in error_chain(exc):
        if isinstance(error, DbtBuildError):
            return any(message in str(error) for message in LOCK_MESSAGES)
        if isinstance(error, TimeoutError | BlockingIOError | InterruptedError):
            return True
        if isinstance(error, RefreshInProgressError):
            return True
        if isinstance(error, OSError) and error.errno in TRANSIENT_ERRNOS:
            return True
        if any(message in str(error) for message in TRANSIENT_MESSAGES):
            return True
    return False


def describe(exc: BaseException) -> str:
    """`Type: first line of the message`, and the notes attached to it (PEP 678)."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else "(no message)"
    if not isinstance(exc, StepError):
        text = f"{type(exc).__name__}: {text}"
    notes = getattr(exc, "__notes__", None) or []
    return "; ".join([text, *notes])


def _raised_at(exc: BaseException) -> str:
    """The source line that raised, in the child process when the error came from one."""
    for error in error_chain(exc):
        if isinstance(error, RemoteTracebackError):
            return error.raised_at
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "unknown"


def step_failure(exc: BaseException, where: dict[str, str]) -> dg.Failure:
    """The `dg.Failure` a deterministic error becomes: cause in its description and metadata."""
    description = ": ".join([*where.values(), describe(exc)])
    return dg.Failure(
        description=description,
        metadata={
            **where,
            "exception": type(exc).__name__,
            "message": str(exc).strip(),
            "raised_at": _raised_at(exc),
        },
        allow_retries=False,
    )


@contextmanager
def failures_named(
    context: dg.AssetExecutionContext, where: Callable[[], dict[str, str]] = dict
) -> Iterator[None]:
    """Turn an error of the block into a retry (transient) or an immediate, named failure.

    `where` is asked, after the failure, what the step was working on (e.g. `{"file": ...}`).
    """
    try:
        yield
    except (dg.Failure, dg.RetryRequested):
        raise
    except Exception as exc:
        if is_transient(exc):
            context.log.warning(f"transient error, retrying: {describe(exc)}")
            raise dg.RetryRequested(
                max_retries=TRANSIENT_RETRIES,
                seconds_to_wait=FIRST_WAIT_SECONDS * 2**context.retry_number,
            ) from exc
        raise step_failure(exc, _safe_where(where)) from exc


def _safe_where(where: Callable[[], dict[str, str]]) -> dict[str, str]:
    """What the step was on; nothing rather than a second error hiding the first."""
    try:
        return where()
    except Exception:  # the failure being reported is the one that matters
        return {}


def failure_reason(event: dg.DagsterEvent) -> str:
    """The one-line reason of a failed step: its named cause, never a bare retry count.

    A full disk is named as such with what to do: the cause alone is a database error
    ("TransactionContext Error: Failed to commit: Could not write file ...") whose end says
    why.
    """
    reason = _named_cause(event)
    if says_disk_full(reason):
        return f"{reason} (the disk is full: {DISK_FULL_REMEDY}, then refresh again)"
    return reason


def _named_cause(event: dg.DagsterEvent) -> str:
    data = event.event_specific_data  # StepFailureData
    if data is None:
        return "failed"
    if data.user_failure_data is not None and data.user_failure_data.description:
        return data.user_failure_data.description
    error = data.error
    if error is None:
        return "failed"
    first = error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name
    exceeded = _EXCEEDED.match(first)
    if exceeded and error.cause is not None:
        cause = error.cause.message.strip().splitlines()[0]
        return f"still failing after {exceeded.group(1)} retries: {cause}"
    return first

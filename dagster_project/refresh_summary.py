"""What a refresh did: the one record `c360 refresh`, the status file and the tests read.

Its own module so that the refresh's entry point (`run_refresh`) can return one without importing
Dagster, which a refresh with nothing new never needs.
"""

from dataclasses import dataclass, field


@dataclass
class RefreshSummary:
    """What a refresh did, for the command line and for tests."""

    success: bool
    seconds: float
    files_loaded: int = 0
    files_not_loaded: int = 0
    file_warnings: list[str] = field(default_factory=list)  # files of no entity: why unloaded
    rows_loaded: int = 0
    rows_quarantined: int = 0
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    check_reasons: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    version: str | None = None
    run_id: str = ""
    up_to_date: bool = False  # nothing new since the last build: nothing was run or published
    # `full`, or the raw entities whose downstream models were rebuilt (build_plan), and why
    build_plan: str = ""
    build_plan_reason: str = ""

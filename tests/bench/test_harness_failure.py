"""A step that fails stops its size, and the run keeps what was measured before it.

The children (generation, refreshes) are replaced by recorded figures: what is tested is the
harness's bookkeeping, which a 57-minute run at a million customers lost when its day's refresh
ran out of disk.
"""

import datetime as dt
from pathlib import Path

import pytest

from bench import harness, report

FULL = {"wall_s": 1770.8, "cpu_s": 2992.5, "peak_mb": 8327, "tree_peak_mb": 8723}


def _run_failing_second_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message: str
) -> tuple[dict, list[str], list[str]]:
    """run_size at a million, refreshes only, whose second refresh raises `message`."""
    calls = []

    def step(name: str, payload: dict, home: Path | None = None) -> dict:
        calls.append(name)
        if len(calls) == 2:
            raise RuntimeError(message)
        return FULL

    monkeypatch.setattr(harness, "_step", step)
    generation = {"wall_s": 563.0, "cpu_s": 752.5, "peak_mb": 9443}
    monkeypatch.setattr(harness, "generate_once", lambda *a: generation)
    monkeypatch.setattr(harness, "extract_days", lambda _: [dt.date(2026, 9, 1)] * 2)
    monkeypatch.setattr(harness, "land_days", lambda *a: 0)
    options = harness.BenchOptions(customers=[1_000_000], refreshes_only=True, data_dir=tmp_path)
    said: list[str] = []
    return harness.run_size(options, 1_000_000, said.append), said, calls


def test_a_failed_refresh_keeps_the_full_refresh_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    message = (
        "benchmark step ['-m', 'bench.stages', 'refresh', '{}'] failed (1):\n"
        "refresh failed: No space left on device\n"
    )
    run, said, calls = _run_failing_second_refresh(tmp_path, monkeypatch, message)
    assert calls == ["refresh", "refresh"]  # the nothing-new refresh is not tried
    assert run["stages"]["full_refresh"] == FULL
    assert "incremental_refresh" not in run["stages"]
    assert run["failed"] == "refresh failed: No space left on device"
    assert said[-1].endswith("stopped by a failed step: refresh failed: No space left on device")
    rows = {label: (measured, met) for label, measured, _, met in report.targets(run)}
    assert rows["full refresh, 1,000,000 customers"] == ("29 min 31 s", False)
    assert rows["day's refresh / full refresh, 1,000,000 customers"] == ("not measured", None)
    machine = {"cpu_model": "AMD EPYC", "cpus": 2, "memory_gb": 23.5, "python": "3.11.7"}
    block = report.render({"machine": machine, "runs": [run]})
    assert "**stopped by a failed step**: refresh failed: No space left on device" in block


def test_a_failure_without_a_message_is_named_by_its_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    run, _, _ = _run_failing_second_refresh(tmp_path, monkeypatch, "")
    assert run["failed"] == "RuntimeError('')"
    assert run["stages"]["full_refresh"] == FULL


def test_a_failed_dlt_baseline_says_why_whatever_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The dlt baseline names its failure as the harness does (it raised IndexError on none)."""
    from bench import dlt_baseline

    monkeypatch.setattr(dlt_baseline, "dlt_python", lambda _: (Path("python"), "dlt 1.0"))
    options = harness.BenchOptions(customers=[200], data_dir=tmp_path)
    for message, reason in [
        ("benchmark step failed (-9):\nKilled\n\n", "dlt 1.0 failed: Killed"),
        ("", "dlt 1.0 failed: RuntimeError('')"),
    ]:

        def fail(*args, message=message, **kwargs):
            raise RuntimeError(message)

        monkeypatch.setattr(dlt_baseline, "measure_child", fail)
        result = dlt_baseline.dlt_baseline(options, 200, tmp_path / "root", tmp_path / "home")
        assert result == {"skipped": reason}
        assert not (tmp_path / "root" / "dlt").exists()  # its work folder is removed

"""The `slow` marker follows the work a test does, so the quick loop leaves out every build."""

from tests.conftest import _does_slow_work


def _builds(tmp_path):
    return generate_and_refresh(tmp_path, customers=5)  # noqa: F821 (never called)


def _reads(tmp_path):
    return (tmp_path / "x").exists()


def test_a_function_that_builds_a_warehouse_is_slow():
    assert _does_slow_work(_builds, {})
    assert not _does_slow_work(_reads, {})

"""A damaged published file: readers get a message naming it and saying what to do, rollback
returns to an intact version, and the next refresh publishes a good one."""

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from c360 import cli
from c360.publish import list_versions, publish
from c360.refresh_lock import refresh_lock
from c360.serving import connect_readonly, resolve_current
from c360.settings import Settings
from c360.version_integrity import check_intact
from dagster_project.run_refresh import run_refresh
from tests.conftest import settings_for


def cut_short(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def overwrite(offset: int) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        with path.open("r+b") as handle:
            handle.seek(offset)
            handle.write(b"\xa5" * 8192)

    return damage


def middle_overwritten(path: Path) -> None:
    overwrite(path.stat().st_size // 2)(path)


# Each is noticed when the file is opened, whatever the query: the size differs from the one
# published, or DuckDB rejects the file header (offset 0) or its database header (offset 4096).
DAMAGE_ON_OPEN = [
    pytest.param(cut_short, id="cut-short"),
    pytest.param(overwrite(0), id="file-header-overwritten"),
    pytest.param(overwrite(4096), id="database-header-overwritten"),
]


@pytest.fixture
def two_versions(built, tmp_path, monkeypatch) -> tuple[Settings, Path, Path]:
    """A copy of the built company with a second version published over the first."""
    home = tmp_path / "c360"
    shutil.copytree(built, home, symlinks=True)
    settings = settings_for(home, monkeypatch)
    first = resolve_current(settings)
    with refresh_lock(settings.refresh_lock):
        second = publish(settings).path
    return settings, first, second


def c360(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    printed = capsys.readouterr()
    return code, printed.out, printed.err


def says_what_to_do(text: str, path: Path) -> bool:
    return (
        f"the published warehouse file {path} is damaged" in text
        and "`c360 rollback`" in text
        and "`c360 refresh`" in text
    )


@pytest.mark.parametrize("damage", DAMAGE_ON_OPEN)
def test_sql_on_a_damaged_file_names_it_and_says_what_to_do(two_versions, damage, capsys):
    _, _, current = two_versions
    damage(current)

    code, out, err = c360(capsys, "sql", "select count(*) from marts.dim_customers")

    assert code == 1
    assert out == ""
    assert says_what_to_do(err, current), err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "damage", [*DAMAGE_ON_OPEN, pytest.param(middle_overwritten, id="middle-overwritten")]
)
def test_status_reports_a_damaged_file_and_still_shows_the_last_refresh(
    two_versions, damage, capsys
):
    _, _, current = two_versions
    damage(current)

    code, out, _ = c360(capsys, "status")

    assert code == 0
    assert out.startswith("published version  DAMAGED: ")
    assert says_what_to_do(out, current), out
    assert "last refresh       SUCCEEDED" in out


def test_rollback_from_a_damaged_current_file_restores_the_previous_version(two_versions, capsys):
    settings, first, current = two_versions
    cut_short(current)

    code, out, _ = c360(capsys, "rollback")

    assert code == 0
    assert out == f"current version is now {first.name}\n"
    assert resolve_current(settings) == first
    code, out, _ = c360(capsys, "sql", "select version from meta.publication", "--format", "csv")
    assert (code, out) == (0, f"version\n{first.name.removeprefix('c360-')[:-7]}\n")


def test_rollback_passes_over_an_earlier_version_that_is_damaged_too(two_versions, capsys):
    settings, first, second = two_versions
    with refresh_lock(settings.refresh_lock):
        third = publish(settings).path
    middle_overwritten(second)  # DuckDB does not see this on open; the recorded hash does
    cut_short(third)

    code, out, err = c360(capsys, "rollback")

    assert code == 0
    assert out == f"current version is now {first.name}\n"
    assert f"skipped {second.name}: " in err
    assert says_what_to_do(err, second)
    assert resolve_current(settings) == first


def test_rollback_says_so_when_every_earlier_version_is_damaged(two_versions, capsys):
    settings, first, current = two_versions
    earlier = [version for version in list_versions(settings) if version != current]
    assert first in earlier  # and any a test before this one published into the shared company
    for version in earlier:
        cut_short(version)

    code, _, err = c360(capsys, "rollback")

    assert code == 1
    assert "every earlier published version is damaged: run `c360 refresh`" in err
    assert resolve_current(settings) == current


def test_the_next_refresh_publishes_a_good_version_over_a_damaged_one(two_versions, capsys):
    settings, first, damaged_file = two_versions
    customers = customer_count(settings, first)
    cut_short(damaged_file)

    summary = run_refresh(settings)
    capsys.readouterr()  # dbt's own log of the build, printed in this process

    assert summary.success, summary.failures + summary.checks_failed
    current = resolve_current(settings)
    assert current != damaged_file
    assert current == list_versions(settings)[-1]
    check_intact(settings, current)
    query = "select count(*) as n from marts.dim_customers"
    code, out, _ = c360(capsys, "sql", query, "--format", "csv")
    assert (code, out) == (0, f"n\n{customers}\n")  # no new extract: the same customers


def customer_count(settings: Settings, path: Path) -> int:
    con = connect_readonly(settings, path)
    try:
        return con.execute("select count(*) from marts.dim_customers").fetchone()[0]
    finally:
        con.close()

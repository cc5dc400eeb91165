"""The incremental day extension: land the first days of a company, then exactly one more."""

import datetime as dt
from pathlib import Path

from bench.days import extract_days, land_days


def _company(root: Path) -> Path:
    """A landing area of two sources and three days (plus folders that are not days)."""
    for source in ("crm", "erp"):
        for day in ("2026-09-01", "2026-09-02", "2026-09-03"):
            folder = root / source / day
            folder.mkdir(parents=True)
            (folder / "customers.csv").write_text(f"{source},{day}\n")
            (folder / "_SUCCESS").write_text("")
        (root / source / "notes").mkdir()
    (root / "README.txt").write_text("not a source")
    return root


def test_extract_days_lists_each_date_once_oldest_first_and_skips_other_folders(tmp_path):
    days = extract_days(_company(tmp_path / "source"))
    assert days == [dt.date(2026, 9, 1), dt.date(2026, 9, 2), dt.date(2026, 9, 3)]


def test_landing_the_first_days_then_the_last_gives_exactly_one_more_day(tmp_path):
    source = _company(tmp_path / "source")
    target = tmp_path / "landing"
    days = extract_days(source)

    assert land_days(source, target, days[:-1]) == 8  # 2 sources x 2 days x 2 files
    assert extract_days(target) == days[:-1]
    assert land_days(source, target, days[-1:]) == 4
    assert extract_days(target) == days
    assert (target / "erp" / "2026-09-03" / "customers.csv").read_text() == "erp,2026-09-03\n"


def test_landing_links_the_files_and_landing_a_day_twice_changes_nothing(tmp_path):
    source = _company(tmp_path / "source")
    target = tmp_path / "landing"
    land_days(source, target, [dt.date(2026, 9, 2)])

    assert land_days(source, target, [dt.date(2026, 9, 2)]) == 0
    original = source / "crm" / "2026-09-02" / "customers.csv"
    landed = target / "crm" / "2026-09-02" / "customers.csv"
    assert landed.stat().st_ino == original.stat().st_ino
    assert not (target / "crm" / "2026-09-01").exists()

"""A refresh with nothing new does nothing, says so, and any new input makes it build again."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from c360 import version_integrity
from c360.publish import list_versions
from c360.serving import resolve_current
from c360.settings import Settings
from c360.status import read_last_refresh
from dagster_project.refresh_inputs import build_fingerprint, pending_files, refresh_work
from dagster_project.run_refresh import run_refresh
from ingestion.raw_store import read_load_log
from tests.conftest import settings_for


@pytest.fixture
def home(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the session's company: these tests write its refresh record."""
    copy = tmp_path / "c360"
    shutil.copytree(built, copy, symlinks=True)
    return settings_for(copy, monkeypatch)


def test_nothing_new_runs_nothing_and_publishes_nothing(home, capsys):
    versions = list_versions(home)
    last = read_last_refresh(home)

    summary = run_refresh(home)

    assert summary.success and summary.up_to_date
    assert (summary.version, summary.files_loaded, summary.checks_passed) == (last["version"], 0, 0)
    assert list_versions(home) == versions
    record = read_last_refresh(home)
    assert (record["state"], record["version"]) == ("up to date", last["version"])
    from c360.cli import main

    assert main(["refresh"]) == 0
    assert "nothing to do: no new extract file" in capsys.readouterr().out


def test_a_new_file_a_changed_setting_or_a_damaged_version_is_work(home, monkeypatch):
    assert refresh_work(home).reason is None
    folder = next((home.landing_dir / "crm").iterdir())
    (folder / "notes.csv").write_text("a\n1\n")
    assert pending_files(home) == [f"crm/{folder.name}/notes.csv"]
    assert refresh_work(home).reason == "1 new extract file(s)"
    (folder / "notes.csv").unlink()
    for inside in ("Account", ".partial"):  # an export's folder per object; a copy in progress
        (folder / inside).mkdir()
        (folder / inside / "accounts.csv").write_text("a\n1\n")
    (home.landing_dir / "crm" / "contacts.csv").write_text("a\n1\n")  # in no delivery folder
    assert pending_files(home) == [f"crm/{folder.name}/Account/accounts.csv", "crm/contacts.csv"]
    (home.landing_dir / "crm" / "contacts.csv").unlink()
    shutil.rmtree(folder / "Account")
    shutil.rmtree(folder / ".partial")

    before = build_fingerprint(home)
    monkeypatch.setenv("C360_SUBSCRIPTION_TERM_MONTHS", "12")
    annual = Settings.from_env()  # settings are read as a command starts
    assert annual.subscription_term_months == 12
    assert build_fingerprint(annual) != before
    assert refresh_work(annual).reason == "the code, dbt project, settings or raw data changed"
    monkeypatch.delenv("C360_SUBSCRIPTION_TERM_MONTHS")
    assert refresh_work(Settings.from_env()).reason is None

    entry = next(home.load_log_dir.glob("*.parquet"))  # a repaired (or erased) load: work
    written = entry.stat()
    entry.write_bytes(entry.read_bytes())
    assert refresh_work(home).reason == "the code, dbt project, settings or raw data changed"
    os.utime(entry, ns=(written.st_atime_ns, written.st_mtime_ns))
    assert refresh_work(home).reason is None

    # The published files were hashed by the first check above, not again while untouched.
    hashed = []
    with monkeypatch.context() as patched:
        patched.setattr(version_integrity, "fingerprint", lambda p: hashed.append(p) or {})
        assert refresh_work(home).reason is None
    assert hashed == []

    current = resolve_current(home)
    published = current.stat()
    with current.open("r+b") as file:  # one byte flipped in the middle: same size, other hash
        file.seek(current.stat().st_size // 2)
        byte = file.read(1)
        file.seek(-1, 1)
        file.write(bytes([byte[0] ^ 0xFF]))
    # its times put back as they were: the change time, which no call sets, still moved
    os.utime(current, ns=(published.st_atime_ns, published.st_mtime_ns))
    assert refresh_work(home).reason.startswith("the published version is damaged")


def test_a_misnamed_folder_is_work_until_ingestion_rejects_it_a_hidden_or_unknown_one_never(
    home,
):
    from ingestion.sources import ingest, load_sources

    day = next((home.landing_dir / "crm").iterdir())
    for folder in ("crm/latest", "crm/.partial", f"hubspot/{day.name}"):  # no hubspot source
        shutil.copytree(day, home.landing_dir / folder)
    delivered = sorted(p.name for p in day.iterdir() if p.name != "_SUCCESS")
    assert pending_files(home) == [f"crm/latest/{name}" for name in delivered]

    source = load_sources(home.sources_file, home.contracts_dir)["crm"]
    loads = ingest(source, home.landing_dir, home.raw_dir)

    assert [(load.source_file, load.status) for load in loads] == [
        (f"crm/latest/{name}", "rejected") for name in delivered
    ]
    assert pending_files(home) == []


def test_the_fingerprint_ignores_where_the_data_root_is_kept(home):
    assert build_fingerprint(home) == read_last_refresh(home)["fingerprint"]


def test_nothing_new_is_found_without_importing_dagster_dbt_or_the_validation_rules(home):
    # A fresh process, as `c360 refresh` from cron: Dagster and the definitions, dbt, and pandera
    # (with pandas and pyspark) were most of its 7.7 s on a 100,000-customer company.
    heavy = ("dagster", "dbt", "pandera", "pandas")
    script = (
        "import sys; from c360.cli import main; code = main(['refresh']); "
        f"print(code, sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=300
    )

    assert "nothing to do: no new extract file" in result.stdout, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"


def test_a_folder_no_source_reads_is_named_by_refresh_and_status_and_left_unread(home, capsys):
    from c360.cli import main

    day = next((home.landing_dir / "crm").iterdir())
    shutil.copytree(day, home.landing_dir / "salesforce" / day.name)  # belongs in crm/
    (home.landing_dir / ".upload").mkdir()  # a hidden folder: left alone
    files = sum(1 for path in day.iterdir() if path.name != "_SUCCESS")
    warning = (
        f"warning: {home.landing_dir / 'salesforce'}/ ({files} file(s)) is not read: no source "
        "is named 'salesforce' (the sources are crm, erp; a Salesforce, NetSuite or SAP export "
        "goes in its source's folder, with its preset named in sources.yml)"
    )
    log = read_load_log(home.raw_dir)

    assert main(["refresh"]) == 0
    out, err = capsys.readouterr()
    assert "nothing to do: no new extract file" in out
    assert err.splitlines() == [warning]
    assert main(["status"]) == 0
    assert capsys.readouterr().err.splitlines() == [warning]
    assert read_load_log(home.raw_dir).equals(log)  # nothing of it read, nothing logged

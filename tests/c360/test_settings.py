"""Settings from the environment: each value checked as a command starts, every wrong one named."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from c360.build_files import half_memory_limit
from c360.cron_expression import is_cron
from c360.settings import REPO_ROOT, Settings
from c360.settings_values import SettingsError

CRON_WANTED = "a cron expression of five fields, such as '0 6 * * *', or @daily"
TZ_WANTED = "an IANA time zone name, such as UTC or Europe/Paris"


def test_unset_variables_take_the_defaults():
    settings = Settings.from_env({"C360_HOME": "/srv/c360"})
    assert (settings.keep_versions, settings.sensor_interval_seconds) == (5, 60)
    assert (settings.clv_refit_days, settings.clv_annual_discount_rate) == (7, 0.10)
    assert (settings.build_memory_limit, settings.reader_memory) == ("4GB", "4GB")
    assert settings.retention_days is None
    assert settings.build_threads == (os.cpu_count() or 1)


def test_values_in_range_are_read_as_given():
    settings = Settings.from_env(
        {
            "C360_BUILD_MEMORY_LIMIT": " 6 GiB ",
            "C360_READER_MEMORY": "512mb",
            "C360_BUILD_THREADS": "3",
            "C360_KEEP_VERSIONS": "1",
            "C360_CLV_ANNUAL_DISCOUNT_RATE": "0",
            "C360_RETENTION_DAYS": "0.5",
            "C360_FRESHNESS_HOURS": "12.5",
            "C360_REPORTING_CURRENCY": " GBP ",
        }
    )
    assert settings.reporting_currency == "GBP"
    assert (settings.build_memory_limit, settings.reader_memory) == ("6 GiB", "512mb")
    assert half_memory_limit(settings.build_memory_limit) == "3GiB"
    assert (settings.build_threads, settings.keep_versions) == (3, 1)
    assert settings.clv_annual_discount_rate == 0.0
    assert (settings.retention_days, settings.freshness_hours) == (0.5, 12.5)


def test_the_folders_read_from_are_taken_when_they_exist(tmp_path):
    settings = Settings.from_env(
        {"C360_CONTRACTS_DIR": str(tmp_path), "C360_DBT_PROJECT_DIR": str(REPO_ROOT / "dbt")}
    )
    assert (settings.contracts_dir, settings.dbt_project_dir) == (tmp_path, REPO_ROOT / "dbt")
    assert Settings.from_env({"C360_CONTRACTS_DIR": ""}).contracts_dir is None


def test_an_empty_retention_leaves_it_off_and_0_deletes_what_is_loaded():
    assert Settings.from_env({"C360_RETENTION_DAYS": " "}).retention_days is None
    assert Settings.from_env({"C360_RETENTION_DAYS": "0"}).retention_days == 0.0


@pytest.mark.parametrize(
    ("name", "value", "wanted"),
    [
        ("C360_BUILD_THREADS", "zero", "a whole number of 1 or more"),
        ("C360_BUILD_THREADS", "0", "a whole number of 1 or more"),
        ("C360_INGEST_PROCESSES", "1.5", "a whole number of 1 or more"),
        ("C360_KEEP_VERSIONS", "0", "a whole number of 1 or more"),
        ("C360_SENSOR_INTERVAL_SECONDS", "-10", "a whole number of 1 or more"),
        ("C360_CLV_REFIT_DAYS", "0", "a whole number of 1 or more"),
        ("C360_SUBSCRIPTION_TERM_MONTHS", "twelve", "a whole number of 1 or more"),
        ("C360_CLV_HORIZON_MONTHS", "", "a whole number of 1 or more"),
        ("C360_BUILD_MEMORY_LIMIT", "lots", "a memory size such as 4GB, 512MB or 6GiB"),
        ("C360_BUILD_MEMORY_LIMIT", "4", "a memory size such as 4GB, 512MB or 6GiB"),
        ("C360_BUILD_MEMORY_LIMIT", "0GB", "a memory size such as 4GB, 512MB or 6GiB"),
        ("C360_READER_MEMORY", "80%", "a memory size such as 4GB, 512MB or 6GiB"),
        ("C360_RETENTION_DAYS", "-3", "a number of 0 or more"),
        ("C360_RETENTION_DAYS", "a week", "a number of 0 or more"),
        ("C360_FRESHNESS_HOURS", "0", "a number greater than 0"),
        ("C360_READER_TIMEOUT", "nan", "a number greater than 0"),
        ("C360_CLV_ANNUAL_DISCOUNT_RATE", "1.5", "a number of 0 or more and less than 1"),
        ("C360_CLV_ANNUAL_DISCOUNT_RATE", "-0.1", "a number of 0 or more and less than 1"),
        (
            "C360_REPORTING_CURRENCY",
            "eur",
            "a currency code of three capital letters, such as EUR or GBP",
        ),
        (
            "C360_REPORTING_CURRENCY",
            "EURO",
            "a currency code of three capital letters, such as EUR or GBP",
        ),
        (
            "C360_REPORTING_CURRENCY",
            "EUR'; --",
            "a currency code of three capital letters, such as EUR or GBP",
        ),
        ("C360_SCHEDULE_CRON", "0 6 * *", CRON_WANTED),
        ("C360_SCHEDULE_CRON", "daily", CRON_WANTED),
        ("C360_SCHEDULE_CRON", "0 25 * * *", CRON_WANTED),
        ("C360_SCHEDULE_TIMEZONE", "Europe/Pariss", TZ_WANTED),
        ("C360_SCHEDULE_TIMEZONE", "CET+1", TZ_WANTED),
        ("C360_SCHEDULE_TIMEZONE", "Europe", TZ_WANTED),
        ("C360_CONTRACTS_DIR", "/no/such/contracts", "an existing folder"),
        ("C360_DBT_PROJECT_DIR", "/no/such/project", "a folder holding dbt_project.yml"),
        ("C360_DBT_PROJECT_DIR", str(REPO_ROOT), "a folder holding dbt_project.yml"),
    ],
)
def test_a_value_that_cannot_be_used_is_named_with_what_it_takes(name, value, wanted):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({name: value})
    assert refused.value.problems == [f"{name}={value!r}: {wanted}"]


CRON_FORMS = [
    "0 6 * * *",
    "*/15 * * * *",
    "0 6 * * mon-fri",
    "0 6 * * 1-5",
    "30 5,17 * * *",
    "0 0 1 */3 *",
    "0 6 1 jan,jul *",
    "5/15 * * * *",
    "0 6 * * 7",
    "0 0 29 2 *",
    "0 0 30 1,2 *",
    "@daily",
    "@hourly",
    "@weekly",
    "0 6 * *",
    "0 6 * * * *",
    "60 6 * * *",
    "0 24 * * *",
    "0 6 0 * *",
    "0 6 32 * *",
    "0 6 * 13 *",
    "0 6 * * 8",
    "*/0 * * * *",
    "0 0 30 2 *",
    "0 0 31 feb *",
    "0 6 * * funday",
    "@fortnightly",
    "daily",
    "",
]


# croniter's extensions, which Dagster accepts: refused by the settings, not guessed at.
CRON_EXTENSIONS = ["0 6-4 * * *", "0 0 L * *", "0 0 * * 5#2", "0 0 ? * *"]


@pytest.mark.parametrize("expression", CRON_FORMS)
def test_a_schedule_is_accepted_exactly_when_dagster_accepts_it(expression):
    from dagster._utils.schedules import is_valid_cron_string

    assert is_cron(expression) == is_valid_cron_string(expression)


@pytest.mark.parametrize("expression", CRON_EXTENSIONS)
def test_croniter_s_extensions_are_refused_though_dagster_takes_them(expression):
    from dagster._utils.schedules import is_valid_cron_string

    assert is_valid_cron_string(expression) and not is_cron(expression)


def test_a_schedule_setting_is_read_as_given():
    settings = Settings.from_env(
        {"C360_SCHEDULE_CRON": " 0 7 * * mon-fri ", "C360_SCHEDULE_TIMEZONE": "Europe/Paris"}
    )
    assert (settings.schedule_cron, settings.schedule_timezone) == (
        "0 7 * * mon-fri",
        "Europe/Paris",
    )


def test_every_wrong_setting_is_reported_at_once():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(
            {"C360_BUILD_THREADS": "two", "C360_RETENTION_DAYS": "-1", "C360_KEEP_VERSIONS": "5"}
        )
    message = str(refused.value)
    assert message.startswith("2 settings cannot be used:\n")
    assert "C360_BUILD_THREADS='two'" in message
    assert "C360_RETENTION_DAYS='-1'" in message
    assert "KEEP_VERSIONS" not in message


def test_the_command_line_says_which_setting_is_wrong_before_doing_anything(tmp_path):
    env = {
        **os.environ,
        "C360_HOME": str(tmp_path / "home"),
        "C360_BUILD_MEMORY_LIMIT": "4 gigs",
    }
    done = subprocess.run(
        [sys.executable, "-m", "c360.cli", "refresh"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "c360 refresh: 1 setting cannot be used:",
        "  C360_BUILD_MEMORY_LIMIT='4 gigs': a memory size such as 4GB, 512MB or 6GiB",
    ]
    assert not (tmp_path / "home").exists()  # nothing was started


@pytest.mark.parametrize("folder", ["Jean D'Arc", "a b", "été", "#1", "100%", "x?y", "a%20b"])
def test_a_data_root_is_refused_exactly_where_dagster_cannot_open_its_history(
    tmp_path, monkeypatch, folder
):
    import shutil

    import dagster as dg

    home = tmp_path / folder / "c360"
    try:
        Settings.from_env({"C360_HOME": str(home)})
        refused = False
    except SettingsError as error:
        refused = True
        assert error.problems == [
            f"C360_HOME={str(home)!r}: a folder whose path has no '?' and no '%' followed by two "
            "hex digits (Dagster opens its SQLite files under it by a URL made of the path)"
        ]
    # Dagster's own answer: its instance, with the project's storage, under that data root.
    dagster_home = home / "dagster"
    dagster_home.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "dagster_project" / "dagster.yaml", dagster_home)
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    try:
        with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
            instance.get_runs(limit=1)
        opened = True
    except Exception:  # SQLAlchemy's OperationalError, whichever the path breaks
        opened = False
    assert refused == (not opened)

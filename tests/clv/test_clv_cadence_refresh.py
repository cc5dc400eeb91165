"""The CLV refit cadence across real refreshes: reuse inside the week, refit on Monday.

One generated company (50 customers, extracts 2026-09-03 to 09-08) is delivered day by day to
one data root and refreshed three times (incremental builds); a second data root gets all the
extracts at once and is built from scratch. The weekly cadence fits through Mondays
(2026-08-31, 2026-09-07); the Monday is computed here from Python's weekday, not by clv.
"""

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from c360.build_files import connect_build
from c360.settings import Settings
from clv import BgNbdFit, p_alive
from dagster_project.run_refresh import run_refresh
from ingestion.generator import generate_company
from tests.conftest import settings_for

START = dt.date(2026, 9, 3)
DAYS = 6
CHAIN = (dt.date(2026, 9, 4), dt.date(2026, 9, 7), dt.date(2026, 9, 8))
"""The last extract day delivered before each incremental refresh: Friday, Monday, Tuesday."""
COMPARED = (
    "intermediate.int_clv_fits",
    "intermediate.int_clv_holdout",
    "marts.fct_customer_clv",
    "quality.clv_fit_quality",
    "quality.clv_holdout_calibration",
)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def deliver(generated: Path, home: Path, through: dt.date) -> None:
    """Copy the generated extract folders dated up to `through` into `home`'s landing."""
    for folder in sorted(generated.glob("*/*")):
        target = home / "landing" / folder.parent.name / folder.name
        if dt.date.fromisoformat(folder.name) <= through and not target.exists():
            shutil.copytree(folder, target)


def snapshot(settings: Settings) -> dict[str, pl.DataFrame]:
    con = connect_build(settings)
    try:
        return {table: con.sql(f"select * from {table} order by all").pl() for table in COMPARED}
    finally:
        con.close()


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, pl.DataFrame]]:
    """The tables after each incremental refresh (by last extract day) and after the rebuild."""
    root = tmp_path_factory.mktemp("clv_cadence")
    generated = root / "generated"
    generate_company(
        generated, root / "truth", customers=50, seed=5, start=START, days=DAYS, defects="none"
    )
    chain, rebuilt = root / "chain" / "c360", root / "rebuilt" / "c360"
    states = {}
    runs = [*((chain, day, str(day)) for day in CHAIN), (rebuilt, CHAIN[-1], "rebuilt")]
    for home, through, name in runs:
        deliver(generated, home, through)
        with pytest.MonkeyPatch.context() as monkeypatch:
            settings = settings_for(home, monkeypatch)
            summary = run_refresh(settings)
            assert summary.success, summary.failures + summary.checks_failed
            states[name] = snapshot(settings)
    return states


def full_fit(state: dict[str, pl.DataFrame]) -> dict[str, object]:
    [row] = state["intermediate.int_clv_fits"].filter(pl.col("fit") == "full").rows(named=True)
    return row


def test_each_day_s_fit_is_through_the_monday_of_its_week(builds):
    for day in CHAIN:
        scores = builds[str(day)]["marts.fct_customer_clv"]
        assert set(scores["as_of_date"]) == {day}
        assert set(scores["fitted_through"]) == {monday_of(day)}
        assert set(scores["refit_days"]) == {7}
        assert full_fit(builds[str(day)])["fitted_through"] == monday_of(day)


def test_crossing_monday_refits(builds):
    friday, monday = full_fit(builds["2026-09-04"]), full_fit(builds["2026-09-07"])
    assert (friday["fitted_through"], monday["fitted_through"]) == (
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 7),
    )
    assert friday["input_digest"] != monday["input_digest"]
    assert friday["bg_nbd_r"] != monday["bg_nbd_r"]
    quality = builds["2026-09-07"]["quality.clv_fit_quality"]
    holdout = quality.filter(pl.col("fit") == "holdout_calibration").row(0, named=True)
    assert (holdout["holdout_start_date"], holdout["holdout_end_date"]) == (
        dt.date(2026, 3, 7),
        dt.date(2026, 9, 7),
    )


def test_inside_the_week_the_fit_is_reused_and_the_scores_move_with_the_day(builds):
    monday, tuesday = builds["2026-09-07"], builds["2026-09-08"]
    reused = {k: v for k, v in full_fit(tuesday).items() if k != "last_used_as_of"}
    assert reused == {k: v for k, v in full_fit(monday).items() if k != "last_used_as_of"}
    assert full_fit(tuesday)["last_used_as_of"] == dt.date(2026, 9, 8)
    assert_same(monday["quality.clv_fit_quality"], tuesday["quality.clv_fit_quality"])
    before = monday["marts.fct_customer_clv"].select("customer_key", "t_days")
    after = tuesday["marts.fct_customer_clv"]
    both = after.join(before, on="customer_key", suffix="_monday")
    assert both.height >= 40
    assert (both["t_days"] == both["t_days_monday"] + 1).all()
    row = full_fit(tuesday)
    fit = BgNbdFit(
        r=row["bg_nbd_r"],
        alpha=row["bg_nbd_alpha_days"],
        a=row["bg_nbd_a"],
        b=row["bg_nbd_b"],
        log_likelihood=0.0,
        customers=0,
        converged=True,
    )
    expected = p_alive(fit, after["frequency"], after["recency_days"], after["t_days"])
    assert after["p_alive"].to_list() == pytest.approx(list(expected), rel=1e-12)


def test_the_incremental_chain_equals_a_rebuild_of_the_same_extracts(builds):
    chain, rebuilt = builds["2026-09-08"], builds["rebuilt"]
    for table in COMPARED:
        assert chain[table].height > 0, table
        assert_same(chain[table], rebuilt[table])


def assert_same(left: pl.DataFrame, right: pl.DataFrame) -> None:
    assert left.columns == right.columns
    assert left.rows() == right.rows()

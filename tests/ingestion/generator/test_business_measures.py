"""The sample company behaves like a real B2B company on the measures docs/generator.md ranges.

Checked on the generator's own truth (no refresh): the default company (500 customers, seed 42,
30 days), the same arguments over the 4 days the integration tests refresh (another draw: its
subscriptions differ), and a 10,000-customer one. The ranges are in
ingestion/generator/plausibility_ranges.py, the publications behind them in docs/generator.md.
"""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from ingestion.generator import generate_company
from ingestion.generator.plausibility import (
    business_measures,
    lifetime_contribution,
    recurring_retention,
)
from ingestion.generator.plausibility_ranges import out_of_range

START = dt.date(2026, 9, 1)


@pytest.fixture(scope="module")
def default_truth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("default")
    generate_company(root / "landing", root / "truth", customers=500, seed=42, start=START)
    return root / "truth"


def test_the_default_company_is_in_every_range_on_its_truth(default_truth):
    assert out_of_range(business_measures(default_truth)) == {}


# 0.5 s. Before large contracts churned less, one subscriber holding a sixth of the ARR churned
# in this draw and held GRR at 0.67-0.78 for seven of the last twelve months.
def test_the_integration_tests_500_customer_company_is_in_every_range_on_its_truth(tmp_path):
    generate_company(
        tmp_path / "landing",
        tmp_path / "truth",
        customers=500,
        seed=42,
        start=START,
        days=4,
        defects="none",
    )
    assert out_of_range(business_measures(tmp_path / "truth")) == {}


def test_the_whale_curve_is_the_cumulative_contribution_of_customers_ranked_best_first(
    default_truth,
):
    ranked = lifetime_contribution(default_truth)
    margin = pl.read_parquet(default_truth / "customer_months.parquet")["gross_margin_eur"]
    cost = pl.read_parquet(default_truth / "cost_to_serve.parquet")["cost_eur"]
    total = float(margin.cast(pl.Float64).sum()) - float(cost.sum())
    assert ranked["contribution_eur"].sum() == pytest.approx(total)
    assert ranked["contribution_eur"].is_sorted(descending=True)
    assert ranked["cumulative_share"][-1] == pytest.approx(1.0)
    # the peak is where the last customer with a positive contribution stands
    positive = ranked.filter(pl.col("contribution_eur") > 0)
    peak = positive["contribution_eur"].sum() / total
    assert ranked["cumulative_share"].max() == pytest.approx(peak)


def test_difficult_habits_go_together_across_customers(default_truth):
    volumes = (
        pl.read_parquet(default_truth / "cost_to_serve.parquet")
        .group_by("org_id", "driver")
        .agg(pl.col("volume").sum())
        .pivot("driver", index="org_id", values="volume")
        .fill_null(0.0)
    )
    months = pl.read_parquet(default_truth / "customer_months.parquet").group_by("org_id").len()
    rates = volumes.join(months, on="org_id").select(
        support=pl.col("support_hours") / pl.col("len"),
        meetings=pl.col("crm_meetings") / pl.col("len"),
        late=pl.col("overdue_eur_days") / pl.col("len"),
    )
    ranks = rates.select(pl.all().rank())
    assert ranks.select(pl.corr("support", "meetings")).item() > 0.3
    assert ranks.select(pl.corr("support", "late")).item() > 0.1


def test_gross_retention_on_arr_never_exceeds_net_retention_nor_one(default_truth):
    retention = recurring_retention(default_truth)
    assert retention.height >= 12
    assert (retention["grr"] <= 1.0).all()
    assert (retention["grr"] <= retention["nrr"] + 1e-12).all()


# generation only, no refresh: 5.7 s on the 2-core machine when it was not shared
def test_a_10000_customer_company_is_in_every_range_on_its_truth(tmp_path):
    generate_company(
        tmp_path / "landing", tmp_path / "truth", customers=10_000, seed=42, start=START
    )
    assert out_of_range(business_measures(tmp_path / "truth")) == {}

"""The generated sales pipeline looks like a B2B sales team's: win rates and sales cycles."""

import datetime as dt

import polars as pl
import pytest

from ingestion.generator import generate_company


@pytest.fixture(scope="module")
def closed_deals(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    """The closed opportunities of the default 500-customer company (full extract only)."""
    root = tmp_path_factory.mktemp("pipeline")
    generate_company(root / "landing", root / "truth", customers=500, seed=42, days=1)
    path = root / "landing" / "crm" / "2026-09-01" / "opportunities.csv"
    deals = pl.read_csv(path, infer_schema=False).unique("opportunity_id", keep="last")
    return deals.filter(pl.col("stage").is_in(["Closed Won", "Closed Lost"])).with_columns(
        amount=pl.col("amount").cast(pl.Float64),
        is_won=pl.col("stage") == "Closed Won",
        cycle_days=(
            pl.col("close_date").str.to_date() - pl.col("created_at").str.slice(0, 10).str.to_date()
        ).dt.total_days(),
    )


def win_rates(deals: pl.DataFrame) -> tuple[float, float]:
    """Won / closed deals, by count and by amount."""
    won = deals.filter("is_won")
    return won.height / deals.height, won["amount"].sum() / deals["amount"].sum()


def test_a_quarter_to_a_third_of_new_business_deals_are_won(closed_deals):
    by_count, by_amount = win_rates(closed_deals.filter(pl.col("type") == "New Business"))
    assert 0.20 <= by_count <= 0.33
    assert 0.20 <= by_amount <= 0.33


def test_fewer_than_half_of_all_closed_deals_are_won(closed_deals):
    by_count, by_amount = win_rates(closed_deals)
    assert 0.25 <= by_count <= 0.45
    assert 0.25 <= by_amount <= 0.50


def test_won_new_business_takes_two_to_four_months_and_upsells_one_to_three(closed_deals):
    won = closed_deals.filter("is_won")
    new_business = won.filter(pl.col("type") == "New Business")["cycle_days"]
    repeat = won.filter(pl.col("type") != "New Business")["cycle_days"]
    assert 60 <= new_business.mean() <= 120
    assert new_business.min() >= 14
    assert 30 <= repeat.mean() <= 90


def test_lost_deals_are_priced_like_the_won_ones(closed_deals):
    new_business = closed_deals.filter(pl.col("type") == "New Business")
    medians = dict(new_business.group_by("is_won").agg(pl.col("amount").median()).iter_rows())
    assert 0.5 <= medians[False] / medians[True] <= 2.0


def test_prospects_are_pitched_again_only_after_their_previous_deal_closed(closed_deals):
    lost = closed_deals.filter(~pl.col("is_won") & (pl.col("type") == "New Business"))
    ordered = lost.with_columns(
        created=pl.col("created_at").str.slice(0, 10).str.to_date(),
        closed=pl.col("close_date").str.to_date(),
    ).sort("account_id", "created")
    overlaps = ordered.filter(
        pl.col("created") < pl.col("closed").shift(1).over("account_id", order_by="created")
    )
    assert overlaps.height == 0
    assert lost["account_id"].n_unique() < lost.height  # some prospects were pitched twice
    assert dt.date.fromisoformat(lost["close_date"].max()) <= dt.date(2026, 9, 1)

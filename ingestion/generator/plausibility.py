"""Business figures of a generated company, from its ground truth: is it a believable company?

Computed with the KPI definitions of docs/metrics.md over the last twelve complete months:
gross margin %, blended CAC, yearly logo churn and 12-month net revenue retention.
`bench/generate_bench.py --plausibility` prints them for the default company.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl

from ingestion.generator.ground_truth import (
    COST_TO_SERVE_FILE,
    CUSTOMER_MONTHS_FILE,
    MANIFEST_FILE,
    MONTHLY_FILE,
    SUBSCRIPTION_MONTHS_FILE,
)
from ingestion.generator.plausibility_ranges import GRR_MONTHLY_RANGE, NRR_MONTHLY_RANGE


def _month_index(column: str) -> pl.Expr:
    return pl.col(column).dt.year() * 12 + pl.col(column).dt.month() - 1


def last_complete_month(truth_dir: Path) -> int:
    """Month index (year * 12 + month - 1) of the last month the extracts fully cover."""
    manifest = json.loads((truth_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    end = date.fromisoformat(manifest["extract_dates"][-1])
    index = end.year * 12 + end.month - 1
    month_end = date(end.year + (end.month == 12), end.month % 12 + 1, 1).toordinal() - 1
    return index if end.toordinal() == month_end else index - 1


def plausibility(truth_dir: Path) -> dict[str, float]:
    """Gross margin %, blended CAC (EUR), yearly logo churn % and 12-month NRR %."""
    m1 = last_complete_month(truth_dir)
    m0 = m1 - 12
    monthly = pl.read_parquet(truth_dir / MONTHLY_FILE).with_columns(m=_month_index("month"))
    year = monthly.filter(pl.col("m").is_between(m0 + 1, m1)).select(
        pl.col("net_revenue_eur").cast(pl.Float64).sum().alias("revenue"),
        pl.col("gross_margin_eur").cast(pl.Float64).sum().alias("margin"),
        pl.col("sales_marketing_spend_eur").cast(pl.Float64).sum().alias("spend"),
        pl.col("new_customers").sum().alias("new"),
    )
    revenue, margin, spend, new = year.row(0)
    months = pl.read_parquet(truth_dir / CUSTOMER_MONTHS_FILE).with_columns(
        m=_month_index("month"), revenue=pl.col("net_revenue_eur").cast(pl.Float64)
    )

    def window(last: int) -> pl.DataFrame:
        """Revenue per organisation over the 12 months ending with `last`."""
        return (
            months.filter(pl.col("m").is_between(last - 11, last))
            .group_by("org_id")
            .agg(pl.col("revenue").sum())
        )

    before, after = window(m0), window(m1)
    active_before = before.filter(pl.col("revenue") > 0)
    still = active_before.join(after.filter(pl.col("revenue") > 0), on="org_id", how="semi")
    kept = active_before.join(after, on="org_id", how="left", suffix="_after")
    return {
        "gross_margin_pct": 100.0 * margin / revenue if revenue else float("nan"),
        "blended_cac_eur": spend / new if new else float("nan"),
        "new_customers_per_month": new / 12.0,
        "logo_churn_pct": 100.0 * (1 - still.height / max(active_before.height, 1)),
        "nrr_pct": 100.0
        * kept["revenue_after"].fill_null(0).sum()
        / max(active_before["revenue"].sum(), 1e-9),
        "revenue_eur_last_12_months": revenue,
    }


def lifetime_contribution(truth_dir: Path) -> pl.DataFrame:
    """Per customer organisation: gross margin, cost to serve and contribution (EUR), all time.

    Ranked by contribution, best first, with the cumulative share of total contribution: the
    whale curve of docs/metrics.md.
    """
    margin = (
        pl.read_parquet(truth_dir / CUSTOMER_MONTHS_FILE)
        .group_by("org_id")
        .agg(gross_margin_eur=pl.col("gross_margin_eur").cast(pl.Float64).sum())
    )
    cost = (
        pl.read_parquet(truth_dir / COST_TO_SERVE_FILE)
        .group_by("org_id")
        .agg(cost_to_serve_eur=pl.col("cost_eur").sum())
    )
    customers = margin.join(cost, on="org_id", how="full", coalesce=True).fill_null(0.0)
    ranked = customers.with_columns(
        contribution_eur=pl.col("gross_margin_eur") - pl.col("cost_to_serve_eur")
    ).sort("contribution_eur", "org_id", descending=[True, False])
    return ranked.with_columns(
        cumulative_share=pl.col("contribution_eur").cum_sum() / pl.col("contribution_eur").sum()
    )


def recurring_retention(truth_dir: Path) -> pl.DataFrame:
    """12-month NRR and GRR on ARR per month (docs/metrics.md), from the subscription truth.

    For month m, the customers with ARR in m - 12: their ARR in m over their ARR then (NRR), each
    capped at its earlier level (GRR). ARR = 12 x MRR, so the factor cancels out.
    """
    mrr = pl.read_parquet(truth_dir / SUBSCRIPTION_MONTHS_FILE).select(
        "org_id", m=_month_index("month"), mrr=pl.col("mrr_eur").cast(pl.Float64)
    )
    base = mrr.filter(pl.col("mrr") > 0).with_columns(m=pl.col("m") + 12)
    joined = base.join(mrr, on=["org_id", "m"], how="left", suffix="_now").with_columns(
        pl.col("mrr_now").fill_null(0.0)
    )
    last = last_complete_month(truth_dir)
    return (
        joined.filter(pl.col("m") <= last)
        .group_by("m")
        .agg(
            nrr=pl.col("mrr_now").sum() / pl.col("mrr").sum(),
            grr=pl.min_horizontal("mrr_now", "mrr").sum() / pl.col("mrr").sum(),
            customers=pl.len(),
        )
        .sort("m")
        .with_columns(
            month=pl.date(pl.col("m") // 12, pl.col("m") % 12 + 1, 1),
        )
        .select("month", "nrr", "grr", "customers")
    )


def business_measures(truth_dir: Path) -> dict[str, float]:
    """The measures docs/generator.md gives a range for (plausibility_ranges), from the truth.

    Whale-curve peak % and share of customers with negative lifetime contribution; the share of
    the last 12 complete months whose 12-month GRR and NRR on ARR are in range, and their
    medians; over those 12 months, gross margin %, new-business win rate % (by count) and
    utilisation %; DSO (days) at the end of the last complete month.
    """
    ranked = lifetime_contribution(truth_dir)
    last = last_complete_month(truth_dir)
    retention = recurring_retention(truth_dir).filter(
        _month_index("month").is_between(last - 11, last)
    )
    monthly = pl.read_parquet(truth_dir / MONTHLY_FILE).with_columns(m=_month_index("month"))
    year = monthly.filter(pl.col("m").is_between(last - 11, last))
    sums = year.select(
        margin=pl.col("gross_margin_eur").cast(pl.Float64).sum(),
        revenue=pl.col("net_revenue_eur").cast(pl.Float64).sum(),
        won=pl.col("new_business_won").sum(),
        lost=pl.col("new_business_lost").sum(),
        billable=pl.col("billable_hours").sum(),
        capacity=pl.col("capacity_hours").sum(),
    ).row(0, named=True)
    return {
        "whale_peak_pct": 100.0 * float(ranked["cumulative_share"].max()),
        "negative_contribution_pct": 100.0
        * ranked.filter(pl.col("contribution_eur") < 0).height
        / ranked.height,
        "grr_months_in_range_pct": 100.0
        * float(retention["grr"].is_between(*GRR_MONTHLY_RANGE).mean()),
        "nrr_months_in_range_pct": 100.0
        * float(retention["nrr"].is_between(*NRR_MONTHLY_RANGE).mean()),
        "grr_median": float(retention["grr"].median()),
        "nrr_median": float(retention["nrr"].median()),
        "gross_margin_pct": 100.0 * sums["margin"] / sums["revenue"],
        "win_rate_pct": 100.0 * sums["won"] / (sums["won"] + sums["lost"]),
        "utilisation_pct": 100.0 * sums["billable"] / sums["capacity"],
        "dso_days": float(year.filter(pl.col("m") == last)["dso_days"][0]),
    }

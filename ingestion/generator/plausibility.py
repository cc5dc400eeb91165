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

from ingestion.generator.ground_truth import CUSTOMER_MONTHS_FILE, MANIFEST_FILE, MONTHLY_FILE


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

"""The 500-customer sample company, refreshed, reads like a real B2B company on its marts.

The generator's truth is judged by the same table (ingestion/generator/plausibility_ranges.py)
in tests/ingestion/generator/test_business_measures.py; here the figures come from what readers
see: the marts of the company the integration tests generate (2026-09-01, 4 days) at 500
customers, seed 42, after a refresh. docs/generator.md gives the publication behind each range.
"""

from pathlib import Path

import pytest

from c360.settings import Settings
from ingestion.generator.plausibility import recurring_retention
from ingestion.generator.plausibility_ranges import (
    GRR_MONTHLY_RANGE,
    NRR_MONTHLY_RANGE,
    out_of_range,
)
from tests.conftest import generate_and_refresh, published, settings_for

LAST_12_MONTHS = """
    with kpis as (select * from marts.rpt_kpi_monthly),
    last_complete as (select max(month) - interval 1 month as month from kpis)
    select kpis.* from kpis, last_complete
    where kpis.month > last_complete.month - interval 12 month
        and kpis.month <= last_complete.month
"""


@pytest.fixture(scope="module")
def default_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_and_refresh(
        tmp_path_factory.mktemp("default"), customers=500, seed=42, defects="none"
    )


@pytest.fixture
def marts(default_company: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return settings_for(default_company, monkeypatch)


def mart_measures(settings: Settings) -> dict[str, float]:
    """The ranged measures of docs/generator.md, read from the published marts."""
    lifetime = published(
        settings,
        "select 100 * max(cumulative_contribution_share) as whale_peak_pct, "
        "100.0 * count(*) filter (where contribution_margin < 0) / count(*) as negative_pct "
        "from marts.rpt_customer_profitability_lifetime",
    ).row(0, named=True)
    (grr_low, grr_high), (nrr_low, nrr_high) = GRR_MONTHLY_RANGE, NRR_MONTHLY_RANGE
    year = published(
        settings,
        f"select avg(case when grr_12m between {grr_low} and {grr_high} then 100.0 else 0 end) "
        f"as grr_in, "
        f"avg(case when nrr_12m between {nrr_low} and {nrr_high} then 100.0 else 0 end) "
        f"as nrr_in, "
        f"100 * sum(gross_margin) / sum(net_revenue) as gross_margin_pct, "
        f"arg_max(dso_days, month) as dso_days, min(month) as first_month, "
        f"max(month) as last_month from ({LAST_12_MONTHS})",
    ).row(0, named=True)
    deals = published(
        settings,
        "select 100.0 * sum(won_opportunities) / sum(won_opportunities + lost_opportunities) "
        "as win_rate_pct from marts.rpt_pipeline_outcomes "
        f"where opportunity_type = 'New Business' and close_month between "
        f"'{year['first_month']}' and '{year['last_month']}'",
    ).row(0, named=True)
    hours = published(
        settings,
        "select 100 * sum(billable_hours) / sum(capacity_hours) as utilisation_pct "
        "from marts.rpt_utilisation_monthly where grain = 'employee' and month between "
        f"'{year['first_month']}' and '{year['last_month']}'",
    ).row(0, named=True)
    return {
        "whale_peak_pct": float(lifetime["whale_peak_pct"]),
        "negative_contribution_pct": float(lifetime["negative_pct"]),
        "grr_months_in_range_pct": float(year["grr_in"]),
        "nrr_months_in_range_pct": float(year["nrr_in"]),
        "gross_margin_pct": float(year["gross_margin_pct"]),
        "win_rate_pct": float(deals["win_rate_pct"]),
        "dso_days": float(year["dso_days"]),
        "utilisation_pct": float(hours["utilisation_pct"]),
    }


def test_the_500_customer_company_is_in_every_range_on_its_marts(marts):
    assert out_of_range(mart_measures(marts)) == {}


def test_the_marts_nrr_and_grr_on_arr_are_the_generators_truth_month_by_month(marts):
    """The warehouse and the truth read retention alike: a GRR out of range is the company's."""
    truth = {
        month: (nrr, grr) for month, nrr, grr, _ in recurring_retention(marts.truth_dir).iter_rows()
    }
    rows = published(
        marts,
        "select month, nrr_12m, grr_12m from marts.rpt_kpi_monthly where grr_12m is not null",
    ).rows()
    compared = [(month, nrr, grr) for month, nrr, grr in rows if month in truth]
    assert len(compared) >= 12
    for month, nrr, grr in compared:
        assert (nrr, grr) == pytest.approx(truth[month], abs=1e-9), month

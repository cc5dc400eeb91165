"""The default sample company, refreshed, reads like a real B2B company on its marts.

The generator's truth is checked against the same ranges in
tests/ingestion/generator/test_business_measures.py; here the figures come from what readers see:
the marts of the default company (500 customers, seed 42) after a refresh. docs/generator.md
gives the publication behind each range.
"""

from pathlib import Path

import pytest

from c360.settings import Settings
from tests.conftest import generate_and_refresh, published, settings_for
from tests.ingestion.generator.test_business_measures import _assert_in_ranges

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
    year = published(
        settings,
        f"select avg(case when grr_12m between 0.80 and 0.97 then 100.0 else 0 end) as grr_in, "
        f"avg(case when nrr_12m between 0.95 and 1.25 then 100.0 else 0 end) as nrr_in, "
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


def test_the_default_company_is_in_every_range_on_its_marts(marts):
    _assert_in_ranges(mart_measures(marts))

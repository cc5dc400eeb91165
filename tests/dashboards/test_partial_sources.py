"""The pages of an ERP-only company (no CRM, no product costs, no timesheets, no FX table): every
figure that needs a missing source reads "unknown" with the reason and the source that would
fill it, instead of a 100 % margin tile or an empty chart."""

from pathlib import Path

import polars as pl
import pytest

from c360.settings import Settings
from dashboards.components import UNKNOWN
from tests.conftest import settings_for
from tests.dashboards.app import mart, run_page, tiles

COSTS_MISSING = "no product_costs in the ERP extracts: COGS, gross and contribution margin"


@pytest.fixture
def erp_only(erp_only_built: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return settings_for(erp_only_built, monkeypatch)


def warnings(app) -> list[str]:
    return [w.value for w in app.warning]


def test_overview_shows_margin_tiles_as_unknown_with_the_missing_source(erp_only):
    app = run_page("overview")
    shown = tiles(app)
    for label in ("Gross margin", "Gross margin %", "Contribution margin"):
        assert shown[label] == UNKNOWN, label
    revenue = mart(
        erp_only,
        "select net_revenue from marts.rpt_kpi_monthly where is_complete_month "
        "order by month desc limit 1",
    )[0, 0]
    assert shown["Net revenue"] != UNKNOWN and revenue > 0
    margin_help = next(m.help for m in app.metric if m.label == "Gross margin %")
    assert margin_help.startswith(COSTS_MISSING)
    assert any(w.startswith(COSTS_MISSING) for w in warnings(app))
    assert not any("%" in v and v.startswith("100") for v in shown.values())


def test_pipeline_page_says_the_crm_is_missing_instead_of_an_empty_chart(erp_only):
    app = run_page("pipeline")
    assert any(
        w.startswith("no opportunities in the CRM extracts: open pipeline, win rates")
        and "opportunities.csv in the CRM extracts" in w
        for w in warnings(app)
    )


def test_profitability_page_says_contribution_is_unknown(erp_only):
    app = run_page("profitability")
    assert any(w.startswith(COSTS_MISSING) for w in warnings(app))
    assert any("Contribution margin unknown" in i.value for i in app.info)


def test_data_quality_lists_the_missing_sources_and_the_guest_sales_share(erp_only):
    app = run_page("data_quality")
    shown = warnings(app)
    absent = mart(
        erp_only,
        "select message from quality.source_coverage where is_absent and consequence != "
        "'substituted' order by source desc, entity",
    )["message"].to_list()
    assert shown == absent and len(absent) == 10
    assert any("ECB monthly reference rates are used instead" in c.value for c in app.caption)
    assert tiles(app)["Guest sales"] == "0.0 %"


def test_profitability_page_names_the_cost_drivers_an_erp_only_company_cannot_cost(erp_only):
    shown = warnings(run_page("profitability"))
    for start in (
        "no activities in the CRM extracts: crm calls are not costed",
        "no activities in the CRM extracts: crm meetings are not costed",
        "no cases in the CRM extracts: support handle hours are not costed",
        "no timesheets in the ERP extracts: non-billable project hours are not costed",
    ):
        assert any(w.startswith(start) for w in shown), start
    drivers = mart(erp_only, "select driver, is_available from marts.rpt_cost_drivers")
    assert drivers.filter(~pl.col("is_available")).height == 4

"""Every metric of the catalogue, asked through MetricFlow, equals the mart that publishes it.

Each case names a metric, the mart's figure at month grain, and the mart's figure by one
dimension; both sides are read from the same published version of the session's small company.
A month or group the catalogue leaves out must be one the mart leaves empty (null or 0): the
KPI mart has a row for every month of its calendar, the catalogue only where there are rows.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from c360.cli import main
from c360.metrics import MetricQueryError, definitions_markdown, list_metrics, query_metrics
from c360.settings import Settings
from tests.conftest import published

CUSTOMER_MONTHS = "marts.rpt_customer_monthly"
BY_SEGMENT_LINES = """
    select l.invoice_month as month, c.segment as key, {value} as value
    from marts.fct_invoice_lines as l
    left join marts.dim_customers as c on l.customer_key = c.customer_key
    group by all
"""
BY_SEGMENT_ARR = """
    select a.month, c.segment as key, {value} as value
    from marts.rpt_arr_monthly as a
    left join marts.dim_customers as c on a.customer_key = c.customer_key
    group by all
"""
BY_SEGMENT_RECEIVABLES = """
    select r.month, c.segment as key, {value} as value
    from marts.rpt_receivables_monthly as r
    left join marts.dim_customers as c on r.customer_key = c.customer_key
    group by all
"""
BY_SEGMENT_PROFITABILITY = """
    select p.month, c.segment as key, {value} as value
    from marts.rpt_customer_profitability as p
    left join marts.dim_customers as c on p.customer_key = c.customer_key
    group by all
"""
KPI = "select month, {value} as value from marts.rpt_kpi_monthly"
KPI_BY_COMPLETE = (
    "select month, is_complete_month as key, {value} as value from marts.rpt_kpi_monthly"
)
CAC = "select month, {value} as value from marts.rpt_cac_monthly where {where} group by month"
CAC_BY_CHANNEL = (
    "select month, channel as key, {value} as value from marts.rpt_cac_monthly where {where} "
    "group by all"
)
COHORTS = (
    "select cohort_start as month, {value} as value from marts.rpt_unit_economics "
    "where cohort_grain = 'quarter' and {where} group by all"
)
COHORTS_BY_CHANNEL = (
    "select cohort_start as month, channel as key, {value} as value from marts.rpt_unit_economics "
    "where cohort_grain = 'quarter' group by all"
)
OUTCOMES = (
    "select close_month as month, {value} as value from marts.rpt_pipeline_outcomes group by all"
)
OUTCOMES_BY_TYPE = (
    "select close_month as month, opportunity_type as key, {value} as value "
    "from marts.rpt_pipeline_outcomes group by all"
)
DEPARTMENTS = (
    "select month, {value} as value from marts.rpt_utilisation_monthly "
    "where grain = 'department' group by all"
)
DEPARTMENTS_BY_NAME = (
    "select month, department as key, {value} as value from marts.rpt_utilisation_monthly "
    "where grain = 'department' group by all"
)


@dataclass(frozen=True)
class Case:
    """A metric, the mart's SQL at month grain and by `dimension` (columns month, [key,] value)."""

    metric: str
    monthly: str
    dimension: str
    by_dimension: str
    where: tuple[str, ...] = ()  # a filter both sides apply (MetricFlow's syntax)
    cents: bool = False  # the mart rounds the ratio to the cent


def ratio(numerator: str, denominator: str, scale: str = "") -> str:
    return f"cast(sum({numerator}) as double) / nullif(sum({denominator}), 0){scale}"


CASES = [
    Case("net_revenue", KPI.format(value="net_revenue"), "segment",
         f"select month, segment as key, sum(net_revenue) as value from {CUSTOMER_MONTHS} "
         "group by all"),
    Case("cogs", KPI.format(value="cogs"), "segment", BY_SEGMENT_LINES.format(value="sum(cogs)")),
    Case("gross_margin", KPI.format(value="gross_margin"), "segment",
         BY_SEGMENT_LINES.format(value="sum(gross_margin)")),
    Case("costed_net_revenue", KPI.format(value="costed_net_revenue"), "segment",
         BY_SEGMENT_LINES.format(value="sum(case when has_known_cost then net_revenue end)")),
    Case("gross_margin_pct", KPI.format(value="gross_margin_pct"), "segment",
         BY_SEGMENT_LINES.format(
             value=ratio("gross_margin", "case when has_known_cost then net_revenue end"))),
    Case("new_customers", KPI.format(value="new_customers"), "segment",
         "select acquisition_month as month, segment as key, count(*) as value "
         "from marts.dim_customers where acquisition_month is not null group by all"),
    *(
        Case(metric, KPI.format(value=column), "is_complete_month",
             KPI_BY_COMPLETE.format(value=column))
        for metric, column in [
            ("active_customers", "active_customers"),
            ("churned_customers", "churned_customers"),
            ("cost_to_serve", "cost_to_serve"),
            ("contribution_margin", "contribution_margin"),
            ("nrr", "nrr_12m"),
            ("grr", "grr_12m"),
            ("dso", "dso_days"),
        ]
    ),
    Case("customer_contribution_margin",
         "select month, sum(contribution_margin) as value "
         "from marts.rpt_customer_profitability group by month", "segment",
         BY_SEGMENT_PROFITABILITY.format(value="sum(contribution_margin)")),
    Case("arr", KPI.format(value="arr"), "segment", BY_SEGMENT_ARR.format(value="sum(arr)")),
    Case("mrr", "select month, sum(mrr) as value from marts.rpt_arr_monthly group by month",
         "segment", BY_SEGMENT_ARR.format(value="sum(mrr)")),
    Case("receivables",
         "select month, sum(open_amount) as value from marts.rpt_receivables_monthly group by 1",
         "segment", BY_SEGMENT_RECEIVABLES.format(value="sum(open_amount)")),
    Case("blended_cac", KPI.format(value="blended_cac"), "channel",
         CAC_BY_CHANNEL.format(value="any_value(cac)", where="is_blended"), cents=True),
    Case("channel_cac", CAC.format(value=ratio("spend", "new_customers"), where="not is_blended"),
         "channel", CAC_BY_CHANNEL.format(value="any_value(cac)", where="not is_blended"),
         cents=True),
    Case("acquisition_spend", CAC.format(value="sum(spend)", where="true"), "channel",
         CAC_BY_CHANNEL.format(value="sum(spend)", where="true")),
    Case("cac_new_customers", CAC.format(value="sum(new_customers)", where="true"), "channel",
         CAC_BY_CHANNEL.format(value="sum(new_customers)", where="true")),
    Case("ltv_to_cac", COHORTS.format(value="any_value(ltv_to_cac)", where="is_blended"),
         "channel", COHORTS_BY_CHANNEL.format(value="any_value(ltv_to_cac)"),
         where=("{{ Dimension('cohort__is_blended') }}",), cents=True),
    Case("ltv_per_customer",
         COHORTS.format(value="any_value(predicted_clv_per_customer)", where="is_blended"),
         "channel", COHORTS_BY_CHANNEL.format(value="any_value(predicted_clv_per_customer)"),
         where=("{{ Dimension('cohort__is_blended') }}",), cents=True),
    Case("cohort_cac", COHORTS.format(value="any_value(cac)", where="is_blended"), "channel",
         COHORTS_BY_CHANNEL.format(value="any_value(cac)"),
         where=("{{ Dimension('cohort__is_blended') }}",), cents=True),
    *(
        Case(metric, COHORTS.format(value=f"sum({expr})", where="true"), "channel",
             COHORTS_BY_CHANNEL.format(value=f"sum({expr})"))
        for metric, expr in [
            ("cohort_predicted_clv", "predicted_clv_per_customer * customers_with_clv"),
            ("cohort_customers_with_clv", "customers_with_clv"),
            ("cohort_spend", "spend"),
            ("cohort_new_customers", "new_customers"),
        ]
    ),
    *(
        Case(metric, OUTCOMES.format(value=value), "opportunity_type",
             OUTCOMES_BY_TYPE.format(value=value))
        for metric, value in [
            ("win_rate", ratio("won_opportunities", "won_opportunities + lost_opportunities")),
            ("win_rate_by_amount", ratio("won_amount", "won_amount + lost_amount")),
            ("avg_sales_cycle_days", ratio("won_sales_cycle_days_total", "won_opportunities")),
            ("avg_deal_size", ratio("won_amount", "won_opportunities")),
            ("won_opportunities", "sum(won_opportunities)"),
            ("lost_opportunities", "sum(lost_opportunities)"),
            ("closed_opportunities", "sum(won_opportunities + lost_opportunities)"),
            ("won_amount", "sum(won_amount)"),
            ("closed_amount", "sum(won_amount + lost_amount)"),
            ("won_sales_cycle_days", "sum(won_sales_cycle_days_total)"),
        ]
    ),
    *(
        Case(metric, DEPARTMENTS.format(value=value), "department",
             DEPARTMENTS_BY_NAME.format(value=value))
        for metric, value in [
            ("utilisation", ratio("billable_hours", "capacity_hours")),
            ("realisation", ratio("billed_hours", "billable_hours")),
            ("capacity_hours", "sum(capacity_hours)"),
            ("billable_hours", "sum(billable_hours)"),
            ("billed_hours", "sum(billed_hours)"),
        ]
    ),
]  # fmt: skip


def _number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, (decimal.Decimal, int, float)):
        return float(value)
    raise TypeError(f"not a number: {value!r}")


def _key(row: tuple) -> tuple:
    month = row[0].date() if isinstance(row[0], dt.datetime) else row[0]
    return (month, *row[1:])


def assert_same(metric: str, through_catalogue: dict, in_mart: dict, cents: bool) -> None:
    """Equal values on every key; a key only one side has must be empty (null or 0) there."""
    assert through_catalogue, f"{metric}: the catalogue returned no rows"
    for key in sorted(set(through_catalogue) | set(in_mart), key=str):
        ours, theirs = _number(through_catalogue.get(key)), _number(in_mart.get(key))
        if ours is None or theirs is None:
            assert (ours or 0) == (theirs or 0), f"{metric} at {key}: {ours} != mart {theirs}"
            continue
        tolerance = 0.005 + 1e-9 if cents else 1e-9 * max(1.0, abs(theirs))
        assert math.isclose(ours, theirs, abs_tol=tolerance), (
            f"{metric} at {key}: catalogue {ours} != mart {theirs}"
        )


def test_every_metric_of_the_catalogue_has_a_case(settings: Settings) -> None:
    names = {d.name for d in list_metrics(settings)}
    assert names == {case.metric for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.metric)
def test_metric_equals_its_mart_by_month_and_by_one_dimension(
    settings: Settings, case: Case
) -> None:
    _, rows = query_metrics(settings, [case.metric], ["month"], where=list(case.where))
    mart = published(settings, case.monthly).rows()
    assert_same(
        case.metric, {_key(r[:1]): r[1] for r in rows}, {(m,): v for m, v in mart}, case.cents
    )

    columns, rows = query_metrics(settings, [case.metric], ["month", case.dimension])
    assert columns[1].endswith(f"__{case.dimension}")
    mart = published(settings, case.by_dimension).rows()
    assert_same(
        case.metric,
        {_key(r[:2]): r[2] for r in rows},
        {(m, k): v for m, k, v in mart},
        case.cents,
    )


def test_a_metric_the_catalogue_does_not_know_is_named(settings: Settings) -> None:
    with pytest.raises(MetricQueryError, match="unknown metric net_revenu"):
        query_metrics(settings, ["net_revenu"], ["month"])


def test_a_dimension_the_metric_does_not_have_lists_those_it_has(settings: Settings) -> None:
    with pytest.raises(MetricQueryError, match="customer__segment"):
        query_metrics(settings, ["net_revenue"], ["month", "segmnt"])


def test_the_catalogue_table_of_docs_metrics_is_the_published_catalogue(settings: Settings) -> None:
    page = (Path(__file__).parents[2] / "docs" / "metrics.md").read_text()
    block = page.split("<!-- catalogue:begin -->\n", 1)[1].split("\n<!-- catalogue:end -->", 1)[0]
    assert block == definitions_markdown(list_metrics(settings)), (
        "docs/metrics.md is stale: paste `c360 metrics list --format markdown` between its markers"
    )


def test_the_command_line_lists_the_catalogue_and_queries_by_month_and_segment(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["metrics", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {m["name"] for m in listed} == {case.metric for case in CASES}
    assert (
        main(["metrics", "query", "net_revenue", "--by", "month,segment", "--format", "csv"]) == 0
    )
    header, *lines = capsys.readouterr().out.splitlines()
    assert header == "metric_time__month,customer__segment,net_revenue"
    _, rows = query_metrics(settings, ["net_revenue"], ["month", "segment"])
    assert len(lines) == len(rows) > 0
    assert main(["metrics", "query", "net_revenu"]) == 1
    assert "unknown metric net_revenu" in capsys.readouterr().err


def test_a_start_after_the_end_is_refused_naming_both(settings: Settings) -> None:
    with pytest.raises(MetricQueryError, match="start 2026-12-01 is after the end 2026-01-01"):
        query_metrics(
            settings,
            ["net_revenue"],
            ["month"],
            start=dt.date(2026, 12, 1),
            end=dt.date(2026, 1, 1),
        )


def test_a_grain_finer_than_the_metrics_names_what_was_asked_and_what_exists(
    settings: Settings,
) -> None:
    # MetricFlow's report begins "Got error(s) during query resolution." and nothing else on
    # that line: the reason and the suggestions are further down.
    with pytest.raises(MetricQueryError) as raised:
        query_metrics(settings, ["nrr"], ["week"])
    message = str(raised.value)
    assert "\n" not in message and "Got error(s)" not in message
    assert "does not match any of the available group-by-items for SimpleMetric('nrr')" in message
    assert "(asked: metric_time__week); what exists: metric_time__month" in message


def test_a_filter_naming_an_unknown_dimension_names_it_and_those_that_exist(
    settings: Settings,
) -> None:
    with pytest.raises(MetricQueryError) as raised:
        query_metrics(
            settings,
            ["net_revenue"],
            ["month"],
            where=["{{ Dimension('customer__segmnt') }} = 'SMB'"],
        )
    assert "(asked: Dimension('customer__segmnt'))" in str(raised.value)
    assert "Dimension('customer__segment')" in str(raised.value)


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("drop table marts.dim_customers", 'syntax error at or near "table"'),
        ("nonexistent_column = 1", 'column "nonexistent_column" not found'),
        ("{{ Dimension('customer__segment') }} = 1", "Could not convert string"),
        ("(select count(*) from read_text('/etc/passwd')) > 0", "has been disabled"),
    ],
)
def test_a_filter_duckdb_cannot_run_is_told_with_its_reason_and_text(
    settings: Settings, capsys: pytest.CaptureFixture[str], where: str, reason: str
) -> None:
    assert main(["metrics", "query", "net_revenue", "--where", where]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("c360 metrics query: the query failed: ")
    assert reason in err and f"(filters: {where})" in err
    assert "Traceback" not in err and len(err.splitlines()) == 1

"""The Acquisition and value page on the integration company, checked against the value marts."""

import math

import polars as pl

from dashboards.formatting import money
from tests.dashboards.app import latest_complete_month, mart, run_page, shown_table, tiles


def scored_customers(published, segment: str | None = None) -> pl.DataFrame:
    """Predicted CLV of the scored customers (of one segment), read straight from the marts."""
    where = f"where d.segment = '{segment}'" if segment else ""
    return mart(
        published,
        "select v.customer_key, d.customer_name, v.predicted_clv from marts.fct_customer_clv v "
        f"join marts.dim_customers d using (customer_key) {where}",
    ).filter(pl.col("predicted_clv").is_not_null())


def oracle_counts(scored: pl.DataFrame, lower_bounds: list[float | None]) -> list[int]:
    """Customers per band, Polars over the mart: band k is 10^(k/10) <= CLV < 10^((k+1)/10),
    the band without a lower bound is everything under 1; k comes from the band's lower bound."""
    clv = pl.col("predicted_clv").cast(pl.Float64)
    counts = []
    for lower in lower_bounds:
        if lower is None:
            band = clv < 1
        else:
            k = round(10 * math.log10(lower))
            band = (clv >= 10 ** (k / 10)) & (clv < 10 ** ((k + 1) / 10))
        counts.append(scored.filter(band).height)
    return counts


def shown_bands(app) -> pl.DataFrame:
    return shown_table(app, "band")


def test_blended_cac_is_the_kpi_marts_and_every_scored_customer_is_counted(published):
    month = latest_complete_month(published)
    scored = mart(published, "select predicted_clv from marts.fct_customer_clv")
    shown = tiles(run_page("acquisition"))
    assert shown["Blended CAC"] == money(month["blended_cac"], "EUR")
    assert shown["New customers"] == f"{month['new_customers']:,}"
    assert shown["Customers scored"] == f"{scored.height:,}"
    assert shown["Total predicted CLV"] == money(scored["predicted_clv"].sum(), "EUR")


def test_unit_economics_by_channel_are_the_quarter_cohorts_rows(published):
    month = latest_complete_month(published)["month"]
    quarters = mart(
        published,
        "select distinct cohort_start from marts.rpt_unit_economics where cohort_grain = "
        f"'quarter' and cohort_start <= '{month}' order by 1 desc",
    )["cohort_start"]
    quarter = quarters[min(1, len(quarters) - 1)]  # the page opens on the quarter before last
    expected = mart(
        published,
        "select channel, ltv_to_cac, payback_months from marts.rpt_unit_economics "
        f"where cohort_grain = 'quarter' and cohort_start = '{quarter}'",
    )
    shown = shown_table(run_page("acquisition"), "ltv_to_cac")
    assert sorted(shown.select("channel", "ltv_to_cac", "payback_months").rows()) == sorted(
        expected.rows()
    )


def test_the_ltv_curve_is_the_cohorts_complete_months(published):
    cohorts = mart(
        published,
        "select distinct acquisition_month from marts.rpt_ltv_cohort order by 1 desc",
    )["acquisition_month"]
    month = latest_complete_month(published)["month"]
    cohorts = [c for c in cohorts if c <= month]
    cohort = cohorts[min(12, len(cohorts) - 1)]
    expected = mart(
        published,
        "select months_since_acquisition, ltv_per_customer from marts.rpt_ltv_cohort "
        f"where acquisition_month = '{cohort}' and is_complete_month",
    )
    shown = shown_table(run_page("acquisition"), "ltv_per_customer")
    assert dict(shown.select("months_since_acquisition", "ltv_per_customer").iter_rows()) == dict(
        expected.iter_rows()
    )


def test_the_clv_histogram_counts_every_scored_customer_once_in_log_bands(published):
    scored = scored_customers(published)
    bands = shown_bands(run_page("acquisition"))
    lower = bands["lower_bound"].to_list()
    assert bands["customers"].to_list() == oracle_counts(scored, lower)
    assert bands["customers"].sum() == scored.height > 0
    # contiguous bands (empty ones included), 26 % wider each, the last one holding the maximum
    assert bands["upper_bound"][:-1].to_list() == lower[1:]
    assert bands["customers"][-1] > 0
    assert float(scored["predicted_clv"].max()) < bands["upper_bound"][-1]


def test_the_clv_histogram_honours_the_segment_filter(published):
    segments = mart(published, "select segment, count(*) as n from marts.dim_customers group by 1")
    segment = segments.sort("n")["segment"][0]  # the smallest: its bands differ the most
    scored = scored_customers(published, segment)
    app = run_page("acquisition", segment=segment)
    bands = shown_bands(app)
    assert bands["customers"].to_list() == oracle_counts(scored, bands["lower_bound"].to_list())
    assert bands["customers"].sum() == scored.height < scored_customers(published).height
    assert tiles(app)["Customers scored"] == f"{scored.height:,}"


def test_only_the_top_customers_by_predicted_clv_are_listed_and_the_page_says_so(
    published, monkeypatch
):
    monkeypatch.setattr("dashboards.queries.acquisition.TOP_CUSTOMERS", 7)
    scored = scored_customers(published).sort(
        ["predicted_clv", "customer_key"], descending=[True, False]
    )
    app = run_page("acquisition")
    top = shown_table(app, "p_alive")
    assert top["customer_key"].to_list() == scored.head(7)["customer_key"].to_list()
    assert top["customer_360"][0] == f"/customer-360?q={top['customer_key'][0]}"
    assert any(
        f"The 7 customers with the highest predicted CLV** (of {scored.height:,} scored" in m.value
        for m in app.markdown
    )
    labels = [b.proto.label for b in app.get("download_button")]
    assert f"Download all {scored.height:,} scored customers (CSV)" in labels


def test_the_page_says_how_old_the_clv_fit_is(published):
    fits = mart(published, "select distinct fitted_through, as_of_date from marts.fct_customer_clv")
    [(fitted_through, as_of)] = fits.rows()
    # The default weekly cadence fits through the Monday on or before the as-of date.
    assert fitted_through.weekday() == 0 and 0 <= (as_of - fitted_through).days < 7
    captions = [caption.value for caption in run_page("acquisition").caption]
    assert f"CLV fitted through {fitted_through.isoformat()} (refit weekly)" in captions

"""The Profitability page on the integration company, checked against the finance marts."""

import base64
import json
import shutil

import duckdb
import numpy as np
import polars as pl

from c360.publish import publish
from dashboards.formatting import money, percent
from tests.conftest import settings_for
from tests.dashboards.app import latest_complete_month, mart, run_page, shown_table, tiles


def test_the_whale_curve_tiles_add_up_every_customers_lifetime_contribution(published):
    lifetime = mart(published, "select * from marts.rpt_customer_profitability_lifetime")
    shown = tiles(run_page("profitability"))
    assert shown["Lifetime contribution margin"] == money(
        lifetime["contribution_margin"].sum(), "EUR"
    )
    peak = lifetime.sort("cumulative_contribution_share", descending=True).row(0, named=True)
    assert shown["Customers at the peak"] == f"{peak['contribution_rank']:,} of {lifetime.height:,}"


def test_most_and_least_profitable_customers_are_ranked_by_lifetime_contribution(published):
    ranked = mart(
        published,
        "select d.customer_name, p.contribution_margin from "
        "marts.rpt_customer_profitability_lifetime p join marts.dim_customers d "
        "using (customer_key) order by p.contribution_margin desc",
    )
    app = run_page("profitability")
    most, least = shown_table(app, "contribution_rank", 0), shown_table(app, "contribution_rank", 1)
    assert most["customer_name"].to_list() == ranked.head(10)["customer_name"].to_list()
    assert least["customer_name"].to_list() == ranked.tail(10).reverse()["customer_name"].to_list()
    assert most["customer_360"][0] == f"/customer-360?q={most['customer_key'][0]}"


def test_margin_by_product_adds_up_to_the_months_gross_margin(published):
    month = latest_complete_month(published)
    products = shown_table(run_page("profitability"), "dimension_label")
    assert products["gross_margin"].sum() == month["gross_margin"]
    assert products["net_revenue"].sum() == month["net_revenue"]


def test_cost_to_serve_is_the_kpi_marts_by_month(published):
    month = latest_complete_month(published)
    costs = shown_table(run_page("profitability"), "unattributed_cost_to_serve")
    first = costs.row(0, named=True)
    assert (first["month"], first["cost_to_serve"], first["contribution_margin"]) == (
        month["month"],
        month["cost_to_serve"],
        month["contribution_margin"],
    )


def test_a_segment_filter_ranks_only_that_segments_customers(published):
    segment = mart(published, "select segment from marts.dim_customers group by 1 order by 1")[
        "segment"
    ][0]
    ranked = shown_table(run_page("profitability", segment=segment), "contribution_rank")
    assert ranked.height and ranked["segment"].unique().to_list() == [segment]
    assert (ranked["contribution_rank"].diff().drop_nulls() > 0).all()
    assert ranked.filter(pl.col("segment") != segment).is_empty()


def plotted(values) -> list[float]:
    """A plotly trace's array as the browser receives it (a list, or typed-array base64)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def test_the_whale_curve_sends_a_sample_through_the_first_last_and_peak_customers(
    published, monkeypatch
):
    monkeypatch.setattr("dashboards.queries.profitability.WHALE_POINTS", 10)
    lifetime = mart(
        published,
        "select contribution_rank, customer_share, cumulative_contribution_share "
        "from marts.rpt_customer_profitability_lifetime order by contribution_rank",
    )
    peak = lifetime.sort("cumulative_contribution_share", descending=True)["contribution_rank"][0]
    app = run_page("profitability")
    trace = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]
    x, y = plotted(trace["x"]), plotted(trace["y"])
    step = lifetime.height // 10
    ranks = [r for r in lifetime["contribution_rank"] if r % step == 0 or r in (1, peak)]
    ranks = sorted({*ranks, lifetime.height})
    expected = lifetime.filter(pl.col("contribution_rank").is_in(ranks))
    assert len(x) == len(ranks) + 1 < lifetime.height  # and the origin, first
    assert x == [0, *expected["customer_share"]]
    assert y == [0, *expected["cumulative_contribution_share"]]
    assert max(y) == lifetime["cumulative_contribution_share"].max()


def lifetime_with_drivers(published) -> pl.DataFrame:
    return mart(
        published,
        "select p.*, d.customer_name, r.driver_label as top_driver_label "
        "from marts.rpt_customer_profitability_lifetime p join marts.dim_customers d "
        "using (customer_key) left join marts.rpt_cost_drivers r on p.top_cost_driver = r.driver",
    )


def test_the_whale_tiles_show_where_the_curve_reaches_100_percent_and_who_loses_money(published):
    lifetime = lifetime_with_drivers(published)
    crossing = lifetime.filter(pl.col("cumulative_contribution_share") >= 1).sort(
        "contribution_rank"
    )[0]
    losing = lifetime.filter(pl.col("contribution_margin") < 0).height
    shown = tiles(run_page("profitability"))
    assert losing > 0
    assert shown["Customers losing money"] == f"{losing:,} of {lifetime.height:,}"
    assert shown["Customers earning 100 %"] == (
        f"{crossing['contribution_rank'][0]:,} ({percent(crossing['customer_share'][0])})"
    )


def test_loss_makers_are_listed_worst_first_with_the_driver_that_costs_each_most(published):
    expected = (
        lifetime_with_drivers(published)
        .filter(pl.col("contribution_margin") < 0)
        .sort(["contribution_margin", "customer_key"])
    )
    shown = shown_table(run_page("profitability"), "sinking_driver")
    assert shown["customer_name"].to_list() == expected["customer_name"].to_list()
    assert shown["sinking_driver"].to_list() == expected["top_driver_label"].to_list()
    assert shown["contribution_margin"].to_list() == expected["contribution_margin"].to_list()
    assert (shown["contribution_margin"] < 0).all()


def test_the_driver_table_and_chart_add_up_to_the_kpi_marts_cost_to_serve(published):
    app = run_page("profitability")
    drivers = shown_table(app, "configured_rate")
    total = mart(published, "select sum(cost_to_serve) as c from marts.rpt_kpi_monthly")["c"][0]
    assert drivers["cost_to_serve"].sum() == total
    month = latest_complete_month(published)
    charts = [json.loads(c.proto.spec)["data"] for c in app.get("plotly_chart")]
    stacked = next(c for c in charts if {t["name"] for t in c} >= {"Orders processed"})
    last_month = sum(plotted(trace["y"])[-1] for trace in stacked)
    assert abs(last_month - float(month["cost_to_serve"])) < 0.01


def test_a_what_if_rate_recomputes_cost_and_loss_makers_from_the_marts_volumes(published):
    costs = mart(
        published,
        "select customer_key, driver, volume, cost_to_serve, unreached_pool_cost "
        "from marts.rpt_cost_to_serve",
    )
    lifetime = lifetime_with_drivers(published)
    meetings = costs.filter(pl.col("driver") == "crm_meetings")
    assert meetings["volume"].sum() > 0
    what_if_total = float(costs["cost_to_serve"].sum() - meetings["cost_to_serve"].sum())
    per_customer = (
        costs.filter(pl.col("customer_key").is_not_null())
        .with_columns(
            cost=pl.when(pl.col("driver") == "crm_meetings")
            .then(pl.col("unreached_pool_cost"))
            .otherwise(pl.col("cost_to_serve"))
            .cast(pl.Float64)
        )
        .group_by("customer_key")
        .agg(pl.col("cost").sum())
    )
    losing = (
        lifetime.join(per_customer, on="customer_key", how="left")
        .filter(pl.col("gross_margin").cast(pl.Float64) - pl.col("cost").fill_null(0) < 0)
        .height
    )
    app = run_page("profitability")
    as_built = {m.label: m for m in app.metric[-3:]}["Lifetime cost to serve"]
    assert as_built.value == money(costs["cost_to_serve"].sum(), "EUR")
    assert not as_built.delta  # the configured rates: no change, no arrow (not "-0 EUR")
    app.slider(key="rate_crm_meetings").set_value(0.0).run()
    shown = {m.label: m.value for m in app.metric[-3:]}
    assert shown["Lifetime cost to serve"] == money(what_if_total, "EUR")
    change = {m.label: m.delta for m in app.metric[-3:]}["Lifetime cost to serve"]
    assert change == money(-float(meetings["cost_to_serve"].sum()), "EUR")
    assert shown["Customers losing money"] == f"{losing:,} of {lifetime.height:,}"


def republished(built, tmp_path, monkeypatch, *statements: str):
    """A copy of the integration company with `statements` run on its build's public file, then
    published: a company shaped as no generated one is."""
    home = tmp_path / "c360"
    shutil.copytree(built, home, symlinks=True)
    settings = settings_for(home, monkeypatch)
    con = duckdb.connect(str(settings.public_db))
    for statement in statements:
        con.execute(statement)
    con.close()
    publish(settings)
    return settings


def whale_trace(app) -> dict:
    charts = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    [chart] = [c for c in charts if c["data"][0].get("name") == "Cumulative contribution"]
    return chart


def test_the_whale_curve_starts_at_the_origin_and_spans_every_customer(published):
    chart = whale_trace(run_page("profitability"))
    x, y = plotted(chart["data"][0]["x"]), plotted(chart["data"][0]["y"])
    assert (x[0], y[0]) == (0, 0)
    assert x[-1] == 1 and abs(y[-1] - 1) < 1e-12
    assert chart["layout"]["xaxis"]["range"] == [0, 1]


def test_one_customer_draws_a_line_from_the_origin_to_the_whole_contribution(
    built, tmp_path, monkeypatch
):
    republished(
        built,
        tmp_path,
        monkeypatch,
        "delete from marts.rpt_customer_profitability_lifetime where contribution_rank > 1",
        "update marts.rpt_customer_profitability_lifetime set customer_share = 1, "
        "cumulative_contribution = contribution_margin, cumulative_contribution_share = 1",
    )
    app = run_page("profitability")
    trace = whale_trace(app)["data"][0]
    assert (plotted(trace["x"]), plotted(trace["y"])) == ([0, 1], [0, 1])
    assert tiles(app)["Customers at the peak"] == "1 of 1"


def test_a_company_losing_money_overall_gets_no_curve_and_is_told_why(built, tmp_path, monkeypatch):
    # As the mart publishes a company whose lifetime contribution is below zero: every share
    # of that total null.
    settings = republished(
        built,
        tmp_path,
        monkeypatch,
        "update marts.rpt_customer_profitability_lifetime set "
        "contribution_margin = -abs(contribution_margin) - 1, cumulative_contribution_share = null",
    )
    total = mart(
        settings,
        "select sum(contribution_margin) as m from marts.rpt_customer_profitability_lifetime",
    )["m"][0]
    app = run_page("profitability")
    shown = tiles(app)
    assert shown["Peak of the curve"] == shown["Customers at the peak"] == "—"
    assert shown["Lifetime contribution margin"] == money(total, "EUR")
    assert not [c for c in app.get("plotly_chart") if "Cumulative contribution" in c.proto.spec]
    [note] = [i.value for i in app.info if i.value.startswith("No curve")]
    assert money(total, "EUR") in note

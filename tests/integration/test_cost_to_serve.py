"""Activity-based cost to serve on the shared clean company: rpt_cost_to_serve against an
independent computation from the landing extracts, and against every mart that uses it."""

from decimal import Decimal

import polars as pl

from tests.conftest import published
from tests.integration.cost_to_serve_oracle import organisation_costs
from tests.integration.test_finance import organisation_of_customer


def test_cost_per_customer_month_and_driver_matches_an_independent_computation_to_the_cent(
    settings,
):
    costs = organisation_costs(settings.landing_dir, settings.truth_dir)
    expected = {key: cost for key, cost in costs.items() if cost != 0}
    org_of = organisation_of_customer(settings)
    rows = published(
        settings,
        "select customer_key, month, driver, cost_to_serve from marts.rpt_cost_to_serve "
        "where customer_key is not null and cost_to_serve != 0",
    )
    actual = {
        (org_of[key], month, driver): cost
        for key, month, driver, cost in rows.iter_rows()
        if key in org_of
    }
    drivers = {driver for _, _, driver in expected}
    assert drivers >= {
        "orders",
        "invoices",
        "goods_lines",
        "support_hours",
        "crm_calls",
        "crm_meetings",
        "non_billable_hours",
        "overdue_amount_years",
        "direct_gl",
    }
    assert actual == expected


def test_each_customers_lifetime_cost_per_driver_matches_the_independent_computation(settings):
    lifetime: dict[tuple[str, str], Decimal] = {}
    for (organisation, _, driver), cost in organisation_costs(
        settings.landing_dir, settings.truth_dir
    ).items():
        lifetime[organisation, driver] = lifetime.get((organisation, driver), 0) + cost
    org_of = organisation_of_customer(settings)
    rows = published(
        settings,
        "select customer_key, driver, cost_to_serve, first_month <= last_month "
        "from marts.rpt_cost_to_serve_lifetime where customer_key is not null",
    )
    actual = {
        (org_of[key], driver): cost for key, driver, cost, _ in rows.iter_rows() if key in org_of
    }
    assert {k: v for k, v in actual.items() if v != 0} == {
        k: v for k, v in lifetime.items() if v != 0
    }
    assert rows["(first_month <= last_month)"].all()
    # The unattributed rows too: every driver's lifetime total is the monthly rows' sum.
    assert published(
        settings,
        """
        select driver, sum(cost_to_serve), sum(volume), sum(unreached_pool_cost)
        from marts.rpt_cost_to_serve_lifetime group by all
        except
        select driver, sum(cost_to_serve), sum(volume), sum(unreached_pool_cost)
        from marts.rpt_cost_to_serve group by all
        """,
    ).is_empty()


def test_cost_to_serve_adds_up_to_the_kpi_marts_cost_to_serve_every_month(settings):
    months = published(
        settings,
        """
        with drivers as (
            select month, sum(cost_to_serve) as cost_to_serve,
                sum(cost_to_serve) filter (where is_unattributed) as unattributed
            from marts.rpt_cost_to_serve
            group by month
        )
        select k.month, k.cost_to_serve, k.unattributed_cost_to_serve,
            coalesce(d.cost_to_serve, 0) as driver_cost,
            coalesce(d.unattributed, 0) as driver_unattributed
        from marts.rpt_kpi_monthly as k
        full join drivers as d
            on k.month = d.month
        """,
    )
    assert months.filter(pl.col("month").is_null()).is_empty()
    assert (months["cost_to_serve"] > 0).sum() >= 24
    assert months["cost_to_serve"].to_list() == months["driver_cost"].to_list()
    assert months["unattributed_cost_to_serve"].to_list() == months["driver_unattributed"].to_list()


def test_the_monthly_driver_totals_are_the_customer_rows_summed_every_month(settings):
    per_driver = """
        select month, driver, sum(cost_to_serve) as cost, sum(volume) as volume,
            sum(cost_to_serve) filter (where is_unattributed) as unattributed
        from marts.rpt_cost_to_serve
        group by month, driver
    """
    monthly = """
        select month, driver, cost_to_serve, volume, unattributed_cost_to_serve
        from marts.rpt_cost_to_serve_monthly
    """
    assert published(settings, f"({per_driver}) except ({monthly})").is_empty()
    assert published(settings, f"({monthly}) except ({per_driver})").is_empty()
    [(rows, months)] = published(
        settings, "select count(*), count(distinct month) from marts.rpt_cost_to_serve_monthly"
    ).iter_rows()
    assert rows > months >= 24  # several drivers a month, over two years and more


def test_each_customers_lifetime_cost_and_top_driver_come_from_its_driver_rows(settings):
    lifetime = published(
        settings,
        "select customer_key, cost_to_serve, contribution_margin, gross_margin, "
        "top_cost_driver, top_cost_driver_cost from marts.rpt_customer_profitability_lifetime",
    )
    drivers = published(
        settings,
        "select customer_key, driver, sum(cost_to_serve) as cost from marts.rpt_cost_to_serve "
        "where customer_key is not null group by all",
    )
    totals = drivers.group_by("customer_key").agg(pl.col("cost").sum().alias("driver_total"))
    top = (
        drivers.filter(pl.col("cost") > 0)
        .sort(["customer_key", "cost", "driver"], descending=[False, True, False])
        .group_by("customer_key", maintain_order=True)
        .first()
    )
    joined = (
        lifetime.join(totals, on="customer_key", how="left")
        .join(top, on="customer_key", how="left")
        .with_columns(pl.col("driver_total").fill_null(0))
    )
    assert joined.height >= 60
    assert (joined["cost_to_serve"] == joined["driver_total"]).all()
    assert joined["top_cost_driver"].to_list() == joined["driver"].to_list()
    assert joined["top_cost_driver_cost"].to_list() == joined["cost"].to_list()
    assert (joined["contribution_margin"] == joined["gross_margin"] - joined["cost_to_serve"]).all()


def test_every_driver_is_listed_with_its_configured_rate_and_available_sources(settings):
    drivers = published(settings, "select * from marts.rpt_cost_drivers order by driver")
    totals = published(
        settings,
        "select driver, sum(cost_to_serve) as cost from marts.rpt_cost_to_serve group by driver",
    )
    assert drivers.height == 10
    assert drivers["is_available"].all() and drivers["message"].is_null().all()
    assert dict(zip(drivers["driver"], drivers["cost_to_serve"], strict=True)) == dict(
        zip(totals["driver"], totals["cost"], strict=True)
    ) | {d: 0 for d in set(drivers["driver"]) - set(totals["driver"])}
    rates = dict(zip(drivers["driver"], drivers["configured_rate"], strict=True))
    assert (rates["orders"], rates["support_hours"], rates["overdue_amount_years"]) == (
        Decimal(25),
        Decimal(45),
        Decimal("0.08"),
    )

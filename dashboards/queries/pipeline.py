"""Pipeline queries: open and weighted pipeline, win rate and sales cycle by owner and stage."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import query


def open_by_stage(version: str) -> pl.DataFrame:
    """Open deals, open and weighted amount per stage, in the sales process's order."""
    return query(
        """
        select stage, any_value(as_of_date) as as_of_date,
            any_value(reporting_currency) as reporting_currency,
            sum(open_opportunities) as open_opportunities,
            sum(open_amount) as open_amount, sum(weighted_amount) as weighted_amount
        from marts.rpt_pipeline
        group by stage
        order by case stage when 'Prospecting' then 1 when 'Qualification' then 2
            when 'Proposal' then 3 when 'Negotiation' then 4 else 5 end
        """,
        version,
    )


def open_by_owner(version: str) -> pl.DataFrame:
    """Open and weighted pipeline per owner and stage, the biggest owners first."""
    return query(
        """
        select owner_name, stage, sum(open_opportunities) as open_opportunities,
            sum(open_amount) as open_amount, sum(weighted_amount) as weighted_amount
        from marts.rpt_pipeline
        group by owner_name, stage
        order by sum(sum(weighted_amount)) over (partition by owner_name) desc, owner_name, stage
        """,
        version,
    )


def outcomes_by_owner(version: str, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Deals closed from month `first` to `last` per owner, with win rate and sales cycle.

    Over several months a rate is the ratio of the summed counts and days that
    rpt_pipeline_outcomes publishes for that purpose, never a mean of monthly rates. The first
    row (is_total) is every owner together.
    """
    return query(
        """
        select
            coalesce(owner_name, 'All owners') as owner_name,
            sum(won_opportunities) as won_opportunities,
            sum(lost_opportunities) as lost_opportunities,
            sum(won_amount) as won_amount,
            cast(sum(won_opportunities) as double)
                / nullif(sum(won_opportunities + lost_opportunities), 0) as win_rate_by_count,
            cast(sum(won_amount) as double)
                / nullif(sum(won_amount + lost_amount), 0) as win_rate_by_amount,
            cast(sum(won_sales_cycle_days_total) as double)
                / nullif(sum(won_opportunities), 0) as avg_sales_cycle_days,
            grouping(owner_name) = 1 as is_total
        from marts.rpt_pipeline_outcomes
        where close_month between ? and ?
        group by grouping sets ((owner_name), ())
        order by is_total desc, won_amount desc, owner_name
        """,
        version,
        (first, last),
    )


def outcomes_monthly(version: str) -> pl.DataFrame:
    """Won and lost deals and amounts per close month, every owner."""
    return query(
        """
        select close_month, sum(won_opportunities) as won_opportunities,
            sum(lost_opportunities) as lost_opportunities, sum(won_amount) as won_amount,
            sum(lost_amount) as lost_amount
        from marts.rpt_pipeline_outcomes
        group by close_month
        order by close_month
        """,
        version,
    )


def run_all(version: str, first: dt.date, last: dt.date) -> None:
    """Every query the page runs (the benchmark's unit of work)."""
    open_by_stage(version)
    open_by_owner(version)
    outcomes_by_owner(version, first, last)
    outcomes_monthly(version)

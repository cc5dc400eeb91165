"""Pipeline queries: open and weighted pipeline, win rate and sales cycle by owner and stage."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import query
from dashboards.queries.catalogue import metric_values


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


# The catalogue's pipeline metrics, under the names the page's table shows.
OUTCOME_METRICS = {
    "won_opportunities": "won_opportunities",
    "lost_opportunities": "lost_opportunities",
    "won_amount": "won_amount",
    "win_rate": "win_rate_by_count",
    "win_rate_by_amount": "win_rate_by_amount",
    "avg_sales_cycle_days": "avg_sales_cycle_days",
}


def outcomes_by_owner(version: str, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Deals closed from month `first` to `last` per owner, with win rate and sales cycle.

    The metric catalogue computes them (win rate = won / (won + lost) over the period's summed
    counts, never a mean of monthly rates), the same definitions `c360 metrics query` answers.
    The first row (is_total) is every owner together.
    """
    period = [
        "{{ TimeDimension('metric_time', 'month') }} "
        f"between date '{first:%Y-%m-01}' and date '{last:%Y-%m-01}'"
    ]
    names = list(OUTCOME_METRICS)
    total = metric_values(version, names, [], period)
    owners = metric_values(version, names, ["pipeline_outcome__owner_name"], period)
    if owners.is_empty() and total.is_empty():  # no deals closed, or no catalogue yet
        return pl.DataFrame(
            schema={
                "owner_name": pl.String,
                **dict.fromkeys(OUTCOME_METRICS.values(), pl.Float64),
                "is_total": pl.Boolean,
            }
        )
    columns = [pl.col(name).alias(shown) for name, shown in OUTCOME_METRICS.items()]
    return pl.concat(
        [
            total.select(pl.lit("All owners").alias("owner_name"), *columns, is_total=True),
            owners.select(
                pl.col("pipeline_outcome__owner_name").alias("owner_name"), *columns, is_total=False
            ).sort(["won_amount", "owner_name"], descending=[True, False], nulls_last=True),
        ],
        how="vertical_relaxed",
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

{#- The whale curve ends at exactly 100 %: the last-ranked customer's cumulative share is 1,
    over the lifetime and in every month whose total contribution is positive. Rows returned
    are curves that end elsewhere. -#}
{{ config(meta={'dagster': {'ref': {'name': 'rpt_customer_profitability_lifetime'}}}) }}

with

monthly as (

    select * from {{ ref('rpt_customer_profitability') }}

),

lifetime as (

    select * from {{ ref('rpt_customer_profitability_lifetime') }}

),

monthly_totals as (

    select
        month,
        count(*) as customers,
        sum(contribution_margin) as total_contribution
    from monthly
    group by month

),

lifetime_totals as (

    select
        count(*) as customers,
        sum(contribution_margin) as total_contribution
    from lifetime

),

curve_ends as (

    select
        monthly.month,
        monthly.cumulative_contribution_share
    from monthly
    inner join monthly_totals
        on
            monthly.month = monthly_totals.month
            and monthly.contribution_rank = monthly_totals.customers
    where monthly_totals.total_contribution > 0
    union all
    select
        cast(null as date) as month,
        lifetime.cumulative_contribution_share
    from lifetime
    inner join lifetime_totals
        on lifetime.contribution_rank = lifetime_totals.customers
    where lifetime_totals.total_contribution > 0

)

select *
from curve_ends
where cumulative_contribution_share is distinct from 1

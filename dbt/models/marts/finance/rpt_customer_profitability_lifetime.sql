{#- Customer profitability over the whole history, one row per customer: the whale curve.

    Customers are ranked by lifetime contribution margin (highest first, customer_key breaking
    ties); cumulative_contribution_share is the running contribution over the total, so the
    last-ranked customer is at exactly 1: the curve rises above 1 on the profitable customers
    and comes back down to 1 through the unprofitable ones. -#}
with

profitability as (

    select * from {{ ref('int_customer_profitability_monthly') }}

),

driver_costs as (

    select * from {{ ref('int_cost_to_serve_drivers_monthly') }}

),

customer_driver_costs as (

    select
        customer_key,
        driver,
        sum(cost_to_serve) as cost_to_serve
    from driver_costs
    where customer_key is not null
    group by
        customer_key,
        driver

),

-- The driver that costs the customer most over its life: what sinks a loss maker.
top_drivers as (

    select
        customer_key,
        driver,
        cost_to_serve,
        row_number() over (
            partition by customer_key
            order by cost_to_serve desc, driver asc
        ) as cost_rank
    from customer_driver_costs
    where cost_to_serve > 0

),

lifetime as (

    select
        customer_key,
        min(case when net_revenue != 0 then month end) as first_revenue_month,
        max(case when net_revenue != 0 then month end) as last_revenue_month,
        sum(net_revenue) as net_revenue,
        sum(cogs) as cogs,
        sum(gross_margin) as gross_margin,
        sum(support_cost) as support_cost,
        sum(direct_gl_cost) as direct_gl_cost,
        sum(cost_to_serve) as cost_to_serve,
        sum(gross_margin) - sum(cost_to_serve) as contribution_margin,
        sum(cases) as cases
    from profitability
    group by customer_key

),

ranked as (

    select
        *,
        row_number() over (order by contribution_margin desc, customer_key asc)
            as contribution_rank,
        sum(contribution_margin) over (
            order by contribution_margin desc, customer_key asc
            rows between unbounded preceding and current row
        ) as cumulative_contribution,
        sum(contribution_margin) over () as total_contribution,
        count(*) over () as customers
    from lifetime

),

ranked_with_drivers as (

    select
        ranked.*,
        top_drivers.driver as top_cost_driver,
        top_drivers.cost_to_serve as top_cost_driver_cost
    from ranked
    left join top_drivers
        on
            ranked.customer_key = top_drivers.customer_key
            and top_drivers.cost_rank = 1

),

final as (

    select
        customer_key,
        first_revenue_month,
        last_revenue_month,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(net_revenue as decimal(18, 2)) as net_revenue,
        cast(cogs as decimal(18, 2)) as cogs,
        cast(gross_margin as decimal(18, 2)) as gross_margin,
        cast(support_cost as decimal(18, 2)) as support_cost,
        cast(direct_gl_cost as decimal(18, 2)) as direct_gl_cost,
        cast(cost_to_serve as decimal(18, 2)) as cost_to_serve,
        cast(contribution_margin as decimal(18, 2)) as contribution_margin,
        case
            when net_revenue != 0
                then cast(contribution_margin as double) / cast(net_revenue as double)
        end as contribution_margin_pct,
        cast(cases as integer) as cases,
        top_cost_driver,
        cast(top_cost_driver_cost as decimal(18, 2)) as top_cost_driver_cost,
        cast(contribution_rank as integer) as contribution_rank,
        cast(contribution_rank as double) / cast(customers as double) as customer_share,
        cast(cumulative_contribution as decimal(18, 2)) as cumulative_contribution,
        case
            when total_contribution > 0
                then cast(cumulative_contribution as double) / cast(total_contribution as double)
        end as cumulative_contribution_share
    from ranked_with_drivers

)

select * from final

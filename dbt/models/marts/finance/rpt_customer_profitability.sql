{#- Customer profitability per customer and month, with the month's whale curve.

    contribution_margin = gross_margin - cost_to_serve. Within each month customers are ranked
    by contribution (highest first, customer_key breaking ties) and the cumulative share is the
    running contribution over the month's total, so the last customer of a month is at exactly
    1 (null when the month's total contribution is not positive). Lifetime figures:
    rpt_customer_profitability_lifetime. -#}
with

profitability as (

    select * from {{ ref('int_customer_profitability_monthly') }}

),

ranked as (

    select
        *,
        gross_margin - cost_to_serve as contribution_margin,
        row_number() over (
            partition by month
            order by gross_margin - cost_to_serve desc, customer_key asc
        ) as contribution_rank,
        sum(gross_margin - cost_to_serve) over (
            partition by month
            order by gross_margin - cost_to_serve desc, customer_key asc
            rows between unbounded preceding and current row
        ) as cumulative_contribution,
        sum(gross_margin - cost_to_serve) over (partition by month) as month_contribution
    from profitability

),

final as (

    select
        customer_key,
        month,
        '{{ var("reporting_currency") }}' as reporting_currency,
        net_revenue,
        cogs,
        gross_margin,
        support_cost,
        direct_gl_cost,
        cost_to_serve,
        cast(contribution_margin as decimal(18, 2)) as contribution_margin,
        case
            when net_revenue != 0
                then cast(contribution_margin as double) / cast(net_revenue as double)
        end as contribution_margin_pct,
        cases,
        cast(contribution_rank as integer) as contribution_rank,
        cast(cumulative_contribution as decimal(18, 2)) as cumulative_contribution,
        case
            when month_contribution > 0
                then cast(cumulative_contribution as double) / cast(month_contribution as double)
        end as cumulative_contribution_share
    from ranked

)

select * from final

{#- The Overview's year-to-date row: each headline KPI from January to the month, over the
    complete months of rpt_kpi_monthly. Amounts and counts add up; gross margin % is the ratio
    of the year's sums (not a mean of monthly percentages); states at month end (active
    customers, ARR) and figures that already look back (NRR, GRR over 12 months, DSO over 90
    days) are the month's own. Blended CAC has none: its spend is not in the KPI mart. -#}
with

kpis as (

    select * from {{ ref('rpt_kpi_monthly') }}
    where is_complete_month

),

running as (

    select
        month,
        reporting_currency,
        sum(net_revenue) over year_so_far as net_revenue,
        sum(gross_margin) over year_so_far as gross_margin,
        sum(costed_net_revenue) over year_so_far as costed_net_revenue,
        sum(contribution_margin) over year_so_far as contribution_margin,
        sum(new_customers) over year_so_far as new_customers,
        sum(churned_customers) over year_so_far as churned_customers,
        active_customers,
        arr,
        nrr_12m,
        grr_12m,
        dso_days
    from kpis
    window year_so_far as (
        partition by extract(year from month)
        order by month
        rows between unbounded preceding and current row
    )

),

final as (

    select
        month,
        reporting_currency,
        cast(net_revenue as decimal(18, 2)) as net_revenue,
        cast(gross_margin as decimal(18, 2)) as gross_margin,
        cast(costed_net_revenue as decimal(18, 2)) as costed_net_revenue,
        case
            when costed_net_revenue != 0
                then cast(gross_margin as double) / cast(costed_net_revenue as double)
        end as gross_margin_pct,
        cast(contribution_margin as decimal(18, 2)) as contribution_margin,
        cast(new_customers as integer) as new_customers,
        cast(churned_customers as integer) as churned_customers,
        active_customers,
        arr,
        nrr_12m,
        grr_12m,
        dso_days
    from running

)

select * from final

{#- One row per acquisition cohort (month) and age in months since acquisition: the cohort's
    customers, those with net revenue that month, and the month's net revenue and gross margin.
    The one cohort-age aggregation that rpt_ltv_cohort cumulates and rpt_retention_cohort turns
    into logo retention. A customer that skips a month and buys again counts as retained again
    (retention by activity in month k, not survival). -#}
with

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

final as (

    select
        acquisition_month,
        months_since_acquisition,
        max(month) as month,
        min(case when is_complete_month then 1 else 0 end) = 1 as is_complete_month,
        count(*) as cohort_customers,
        count(*) filter (where net_revenue > 0) as retained_customers,
        sum(net_revenue) as net_revenue,
        sum(gross_margin) as gross_margin
    from customer_months
    where months_since_acquisition >= 0
    group by
        acquisition_month,
        months_since_acquisition

)

select * from final

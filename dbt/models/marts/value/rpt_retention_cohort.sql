{#- Logo retention: per acquisition cohort (month) and age in months since acquisition, the share
    of the cohort's customers with net revenue in that month. A customer that skips a month and
    buys again counts again (retention by activity in month k, not survival). -#}
with

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

cohort_ages as (

    select
        acquisition_month,
        months_since_acquisition,
        max(month) as month,
        min(case when is_complete_month then 1 else 0 end) = 1 as is_complete_month,
        count(*) as cohort_customers,
        count(*) filter (where net_revenue > 0) as retained_customers
    from customer_months
    where months_since_acquisition >= 0
    group by
        acquisition_month,
        months_since_acquisition

),

final as (

    select
        acquisition_month,
        cast(months_since_acquisition as integer) as months_since_acquisition,
        month,
        is_complete_month,
        cast(cohort_customers as integer) as cohort_customers,
        cast(retained_customers as integer) as retained_customers,
        cast(retained_customers as double) / cast(cohort_customers as double) as logo_retention
    from cohort_ages

)

select * from final

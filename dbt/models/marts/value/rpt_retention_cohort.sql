{#- Logo retention: per acquisition cohort (month) and age in months since acquisition, the share
    of the cohort's customers with net revenue in that month (int_cohort_ages). A customer that
    skips a month and buys again counts again (retention by activity in month k, not survival). -#}
with

cohort_ages as (

    select * from {{ ref('int_cohort_ages') }}

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

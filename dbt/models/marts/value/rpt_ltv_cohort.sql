{#- Historical LTV: per acquisition cohort (month) and age in months since acquisition, the
    cohort's cumulative net revenue and gross margin per customer (definitions: docs/metrics.md). -#}
with

cohort_ages as (

    select * from {{ ref('int_cohort_ages') }}

),

cumulated as (

    select
        *,
        sum(net_revenue) over (
            partition by acquisition_month order by months_since_acquisition
            rows between unbounded preceding and current row
        ) as cumulative_net_revenue,
        sum(gross_margin) over (
            partition by acquisition_month order by months_since_acquisition
            rows between unbounded preceding and current row
        ) as cumulative_gross_margin
    from cohort_ages

),

final as (

    select
        acquisition_month,
        cast(months_since_acquisition as integer) as months_since_acquisition,
        month,
        is_complete_month,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(cohort_customers as integer) as cohort_customers,
        cast(cumulative_net_revenue as decimal(18, 2)) as cumulative_net_revenue,
        cast(cumulative_gross_margin as decimal(18, 2)) as cumulative_gross_margin,
        {{ money_ratio('cumulative_net_revenue', 'cohort_customers') }}
            as cumulative_net_revenue_per_customer,
        {{ money_ratio('cumulative_gross_margin', 'cohort_customers') }} as ltv_per_customer
    from cumulated

)

select * from final

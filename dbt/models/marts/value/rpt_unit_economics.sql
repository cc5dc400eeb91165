{#- Unit economics per acquisition cohort (month or quarter) and channel, plus the Blended row:
    what a customer cost to win (cohort CAC), what it is predicted to be worth (the mean
    predicted 36-month CLV of the cohort's customers, margin based), their ratio and the CAC
    payback. -#}
with

cac_cohorts as (

    select * from {{ ref('rpt_cac_cohort') }}

),

customer_clv as (

    select * from {{ ref('fct_customer_clv') }}

),

acquisitions as (

    select * from {{ ref('int_customer_acquisitions') }}

),

customer_values as (

    -- Customers acquired (first invoice) and scored by the CLV model.
    select
        acquisitions.acquisition_month,
        acquisitions.acquisition_quarter,
        acquisitions.acquisition_channel,
        customer_clv.predicted_clv
    from acquisitions
    inner join customer_clv
        on acquisitions.customer_key = customer_clv.customer_key
    where
        acquisitions.acquisition_month is not null
        and customer_clv.predicted_clv is not null

),

by_channel as (

    select
        'month' as cohort_grain,
        acquisition_month as cohort_start,
        acquisition_channel as channel,
        sum(predicted_clv) as predicted_clv,
        count(*) as customers
    from customer_values
    group by
        acquisition_month,
        acquisition_channel

    union all

    select
        'quarter' as cohort_grain,
        acquisition_quarter as cohort_start,
        acquisition_channel as channel,
        sum(predicted_clv) as predicted_clv,
        count(*) as customers
    from customer_values
    group by
        acquisition_quarter,
        acquisition_channel

),

cohort_values as (

    select
        cohort_grain,
        cohort_start,
        channel,
        predicted_clv,
        customers
    from by_channel

    union all

    select
        cohort_grain,
        cohort_start,
        'Blended' as channel,
        sum(predicted_clv) as predicted_clv,
        sum(customers) as customers
    from by_channel
    group by
        cohort_grain,
        cohort_start

),

valued as (

    select
        cac_cohorts.cohort_grain,
        cac_cohorts.cohort_start,
        cac_cohorts.channel,
        cac_cohorts.is_blended,
        cac_cohorts.reporting_currency,
        cac_cohorts.spend,
        cac_cohorts.new_customers,
        cac_cohorts.cac,
        cac_cohorts.monthly_gross_margin_per_customer,
        cac_cohorts.payback_months,
        coalesce(cohort_values.customers, 0) as customers_with_clv,
        {{ money_ratio('cohort_values.predicted_clv', 'cohort_values.customers') }}
            as predicted_clv_per_customer
    from cac_cohorts
    left join cohort_values
        on
            cac_cohorts.cohort_grain = cohort_values.cohort_grain
            and cac_cohorts.cohort_start = cohort_values.cohort_start
            and cac_cohorts.channel = cohort_values.channel

),

final as (

    select
        cohort_grain,
        cohort_start,
        channel,
        is_blended,
        reporting_currency,
        spend,
        new_customers,
        cac,
        cast(customers_with_clv as integer) as customers_with_clv,
        predicted_clv_per_customer,
        case
            when cac > 0
                then cast(predicted_clv_per_customer as double) / cast(cac as double)
        end as ltv_to_cac,
        monthly_gross_margin_per_customer,
        payback_months
    from valued

)

select * from final

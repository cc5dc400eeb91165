{#- CAC of each acquisition cohort (a month or a quarter) and channel, plus the Blended row, with
    the cohort's mean monthly gross margin per new customer and the CAC payback it gives. -#}
with

cac_monthly as (

    select * from {{ ref('int_cac_monthly') }}

),

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

periods as (

    select
        'month' as cohort_grain,
        month as cohort_start,
        channel,
        is_blended,
        marketing_spend,
        sales_spend,
        spend,
        new_customers
    from cac_monthly

    union all

    select
        'quarter' as cohort_grain,
        cast({{ dbt.date_trunc('quarter', 'month') }} as date) as cohort_start,
        channel,
        is_blended,
        marketing_spend,
        sales_spend,
        spend,
        new_customers
    from cac_monthly

),

cohort_costs as (

    select
        cohort_grain,
        cohort_start,
        channel,
        is_blended,
        sum(marketing_spend) as marketing_spend,
        sum(sales_spend) as sales_spend,
        sum(spend) as spend,
        sum(new_customers) as new_customers
    from periods
    group by
        cohort_grain,
        cohort_start,
        channel,
        is_blended

),

margin_months as (

    -- The cohort's customers' complete months in their first year (ages 0 to 11).
    select
        customer_key,
        acquisition_month,
        acquisition_quarter,
        acquisition_channel,
        gross_margin
    from customer_months
    where
        months_since_acquisition between 0 and 11
        and is_complete_month

),

margin_by_channel as (

    select
        'month' as cohort_grain,
        acquisition_month as cohort_start,
        acquisition_channel as channel,
        sum(gross_margin) as gross_margin,
        count(*) as customer_months
    from margin_months
    group by
        acquisition_month,
        acquisition_channel

    union all

    select
        'quarter' as cohort_grain,
        acquisition_quarter as cohort_start,
        acquisition_channel as channel,
        sum(gross_margin) as gross_margin,
        count(*) as customer_months
    from margin_months
    group by
        acquisition_quarter,
        acquisition_channel

),

margin as (

    select
        cohort_grain,
        cohort_start,
        channel,
        gross_margin,
        customer_months
    from margin_by_channel

    union all

    select
        cohort_grain,
        cohort_start,
        'Blended' as channel,
        sum(gross_margin) as gross_margin,
        sum(customer_months) as customer_months
    from margin_by_channel
    group by
        cohort_grain,
        cohort_start

),

costed as (

    select
        cohort_costs.*,
        {{ money_ratio('cohort_costs.spend', 'cohort_costs.new_customers') }} as cac,
        margin.customer_months as margin_customer_months,
        {{ money_ratio('margin.gross_margin', 'margin.customer_months') }}
            as monthly_gross_margin_per_customer
    from cohort_costs
    left join margin
        on
            cohort_costs.cohort_grain = margin.cohort_grain
            and cohort_costs.cohort_start = margin.cohort_start
            and cohort_costs.channel = margin.channel

),

final as (

    select
        cohort_grain,
        cohort_start,
        channel,
        is_blended,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(marketing_spend as decimal(18, 2)) as marketing_spend,
        cast(sales_spend as decimal(18, 2)) as sales_spend,
        cast(spend as decimal(18, 2)) as spend,
        cast(new_customers as integer) as new_customers,
        cac,
        cast(coalesce(margin_customer_months, 0) as integer) as margin_customer_months,
        monthly_gross_margin_per_customer,
        case
            when monthly_gross_margin_per_customer > 0
                then cast(cac as double) / cast(monthly_gross_margin_per_customer as double)
        end as payback_months
    from costed

)

select * from final

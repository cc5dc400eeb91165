{#- Predicted customer lifetime value, one row per customer with at least one purchase: the
    scores of int_customer_clv (c360.clv: BG/NBD x Gamma-Gamma, docs/clv.md) published under a
    contract, money rounded to the cent in the reporting currency. -#}
with

scores as (

    select * from {{ ref('int_customer_clv') }}

),

final as (

    select
        customer_key,
        cast(frequency as integer) as frequency,
        cast(recency_days as integer) as recency_days,
        cast(t_days as integer) as t_days,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {{ money_round('monetary_value') }} as monetary_value,
        cast(p_alive as double) as p_alive,
        cast(expected_purchases as double) as expected_purchases,
        {{ money_round('expected_margin_per_purchase') }} as expected_margin_per_purchase,
        {{ money_round('predicted_clv') }} as predicted_clv,
        cast(horizon_months as integer) as horizon_months,
        cast(annual_discount_rate as double) as annual_discount_rate,
        cast(as_of_date as date) as as_of_date,
        cast(fitted_through as date) as fitted_through,
        cast(refit_days as integer) as refit_days
    from scores

)

select * from final

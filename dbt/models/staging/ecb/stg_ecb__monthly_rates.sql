with

source as (

    select * from {{ source('ecb', 'monthly_rates') }}

),

final as (

    select
        cast(month as date) as month,
        currency,
        cast(units_per_eur as double) as units_per_eur,
        quote_days,
        first_quote_date,
        last_quote_date
    from source

)

select * from final

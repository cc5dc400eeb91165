{#- Open pipeline as of the newest CRM extract, one row per stage, owner and expected close
    month: deals, amount and weighted amount (amount x the deal's stage probability). -#}
with

opportunities as (

    select * from {{ ref('int_opportunities_converted') }}

),

crm_extracts as (

    select max(_extract_date) as as_of_date
    from {{ ref('stg_crm__opportunities') }}

),

open_deals as (

    select
        close_month as expected_close_month,
        stage,
        owner_user_id,
        owner_name,
        count(*) as open_opportunities,
        sum(amount_converted) as open_amount,
        -- to the cent per deal the same on every engine (a division is a double on DuckDB)
        sum({{ money_round(wide_decimal('amount_converted') ~ ' * probability / 100') }})
            as weighted_amount
    from opportunities
    where not is_closed
    group by
        close_month,
        stage,
        owner_user_id,
        owner_name

),

final as (

    select
        crm_extracts.as_of_date,
        open_deals.expected_close_month,
        open_deals.stage,
        open_deals.owner_user_id,
        open_deals.owner_name,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(open_deals.open_opportunities as integer) as open_opportunities,
        cast(open_deals.open_amount as decimal(18, 2)) as open_amount,
        cast(open_deals.weighted_amount as decimal(18, 2)) as weighted_amount
    from open_deals
    cross join crm_extracts

)

select * from final

{#- Every current CRM opportunity with its amount in the reporting currency: closed deals at the
    rate of their close month, open deals at the newest rate (what they are worth today); a
    month without a published rate falls back to the newest rate of the currency. -#}
with

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

latest_rates as (

    select
        currency,
        rate,
        row_number() over (partition by currency order by month desc) as rate_rank
    from fx_rates

),

final as (

    select
        opportunities.opportunity_id,
        opportunities.account_id,
        opportunities.type as opportunity_type,
        opportunities.stage,
        opportunities.stage in ('Closed Won', 'Closed Lost') as is_closed,
        opportunities.stage = 'Closed Won' as is_won,
        opportunities.probability,
        opportunities.owner_id as owner_user_id,
        coalesce(users.name, 'Unknown owner') as owner_name,
        opportunities.lead_source,
        opportunities.campaign_id,
        opportunities.created_at,
        opportunities.close_date,
        {{ month_of('opportunities.close_date') }} as close_month,
        {{ dbt.datediff(
            'cast(opportunities.created_at as date)', 'opportunities.close_date', 'day'
        ) }} as days_open,
        opportunities.currency,
        opportunities.amount,
        cast(
            round(
                {{ wide_decimal('opportunities.amount') }}
                * case
                    when opportunities.stage in ('Closed Won', 'Closed Lost')
                        then coalesce(close_rates.rate, latest_rates.rate)
                    else latest_rates.rate
                end,
                2
            ) as decimal(18, 2)
        ) as amount_converted
    from opportunities
    left join users
        on opportunities.owner_id = users.user_id
    left join fx_rates as close_rates
        on
            {{ month_of('opportunities.close_date') }} = close_rates.month
            and opportunities.currency = close_rates.currency
    left join latest_rates
        on
            opportunities.currency = latest_rates.currency
            and latest_rates.rate_rank = 1

)

select * from final

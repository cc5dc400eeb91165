{#- One row per GL entry on a sales or marketing account (seed gl_account_mapping), in the
    reporting currency, with the channel its marketing spend is attributed to. -#}
with

gl_entries as (

    select * from {{ ref('stg_erp__gl_entries') }}

),

accounts as (

    select * from {{ ref('gl_account_mapping') }}

),

cost_centre_channels as (

    select * from {{ ref('cost_centre_channels') }}

),

campaigns as (

    select * from {{ ref('stg_crm__campaigns') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

final as (

    select
        gl_entries.entry_id,
        gl_entries.posting_date,
        {{ month_of('gl_entries.posting_date') }} as posting_month,
        gl_entries.account_code,
        accounts.spend_category,
        gl_entries.cost_centre,
        gl_entries.campaign_code,
        campaigns.campaign_id,
        -- Marketing: the CRM campaign's channel, else the cost centre's; sales spend is the
        -- sales team's and has no channel (it counts in blended CAC only).
        case
            when accounts.spend_category = 'marketing'
                then
                    coalesce(campaigns.channel, cost_centre_channels.channel, 'Unattributed')
        end as channel,
        case
            when accounts.spend_category != 'marketing' then null
            when campaigns.channel is not null then 'campaign'
            when cost_centre_channels.channel is not null then 'cost_centre'
            else 'none'
        end as attributed_by,
        gl_entries.currency,
        gl_entries.amount,
        fx_rates.rate as fx_rate,
        cast(round({{ wide_decimal('gl_entries.amount') }} * fx_rates.rate, 2) as decimal(18, 2))
            as spend
    from gl_entries
    inner join accounts
        on gl_entries.account_code = accounts.account_code
    left join campaigns
        on gl_entries.campaign_code = campaigns.campaign_id
    left join cost_centre_channels
        on gl_entries.cost_centre = cost_centre_channels.cost_centre
    left join fx_rates
        on
            {{ month_of('gl_entries.posting_date') }} = fx_rates.month
            and gl_entries.currency = fx_rates.currency
    where accounts.is_sales_and_marketing

)

select * from final

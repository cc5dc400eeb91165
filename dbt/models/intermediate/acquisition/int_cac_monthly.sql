{#- Spend and new customers per month and channel, and the blended row per month (channel
    'Blended'): the numerator and denominator of CAC (KPIS.md), kept apart so that cohorts of
    several months add them up before dividing. -#}
with

spend as (

    select * from {{ ref('int_sales_marketing_spend') }}

),

acquisitions as (

    select * from {{ ref('int_customer_acquisitions') }}

),

months as (

    select month from {{ ref('int_reporting_months') }}

),

channel_spend as (

    select
        posting_month as month,
        channel,
        sum(spend) as marketing_spend
    from spend
    where spend_category = 'marketing'
    group by
        posting_month,
        channel

),

channel_customers as (

    select
        acquisition_month as month,
        acquisition_channel as channel,
        count(*) as new_customers
    from acquisitions
    where acquisition_month is not null
    group by
        acquisition_month,
        acquisition_channel

),

by_channel as (

    select
        coalesce(channel_spend.month, channel_customers.month) as month,
        coalesce(channel_spend.channel, channel_customers.channel) as channel,
        false as is_blended,
        coalesce(channel_spend.marketing_spend, 0) as marketing_spend,
        0 as sales_spend,
        coalesce(channel_customers.new_customers, 0) as new_customers
    from channel_spend
    full outer join channel_customers
        on
            channel_spend.month = channel_customers.month
            and channel_spend.channel = channel_customers.channel

),

blended_months as (

    -- Every calendar month, and any month with spend or customers outside it (never dropped).
    select month from months
    union
    select month from by_channel

),

sales_spend as (

    select
        posting_month as month,
        sum(spend) as sales_spend
    from spend
    where spend_category = 'sales'
    group by posting_month

),

blended as (

    select
        blended_months.month,
        'Blended' as channel,
        true as is_blended,
        coalesce(sum(by_channel.marketing_spend), 0) as marketing_spend,
        coalesce(max(sales_spend.sales_spend), 0) as sales_spend,
        coalesce(sum(by_channel.new_customers), 0) as new_customers
    from blended_months
    left join by_channel
        on blended_months.month = by_channel.month
    left join sales_spend
        on blended_months.month = sales_spend.month
    group by blended_months.month

),

spend_data as (

    -- No GL entry on a sales or marketing account at all: the company delivered no ledger (or
    -- none of its accounts are mapped), so spend is unknown, not zero, and CAC is null.
    select count(*) > 0 as has_spend_data
    from spend

),

by_channel_and_blended as (

    select
        month,
        channel,
        is_blended,
        marketing_spend,
        sales_spend,
        new_customers
    from by_channel

    union all

    select
        month,
        channel,
        is_blended,
        marketing_spend,
        sales_spend,
        new_customers
    from blended

),

final as (

    select
        cac_rows.month,
        cac_rows.channel,
        cac_rows.is_blended,
        case
            when spend_data.has_spend_data then cast(cac_rows.marketing_spend as decimal(18, 2))
        end as marketing_spend,
        case
            when spend_data.has_spend_data then cast(cac_rows.sales_spend as decimal(18, 2))
        end as sales_spend,
        case
            when spend_data.has_spend_data
                then cast(cac_rows.marketing_spend + cac_rows.sales_spend as decimal(18, 2))
        end as spend,
        cast(cac_rows.new_customers as integer) as new_customers
    from by_channel_and_blended as cac_rows
    cross join spend_data

)

select * from final

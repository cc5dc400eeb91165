{#- One row per customer: when it was acquired (its first invoice) and through which channel and
    campaign (its earliest converted lead or won opportunity). dim_customers and the CAC, LTV and
    retention models all read the acquisition from here. -#}
with

customer_keys as (

    select distinct customer_key from {{ ref('int_customer_keys_by_erp_number') }}

),

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

stg_crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

invoice_lines as (

    select * from {{ ref('int_invoice_lines_costed') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

crm_accounts as (

    -- The customer's CRM accounts that are still in the CRM (deleted ones left the bridge view).
    select
        bridge.customer_key,
        stg_crm_accounts.account_id
    from bridge
    inner join stg_crm_accounts
        on
            bridge.source_system = 'crm'
            and bridge.source_record_id = stg_crm_accounts.account_id

),

first_invoices as (

    -- New in month m: the customer's first invoice (not credit note) falls in m.
    select
        customer_key,
        min(invoice_date) as first_invoice_date
    from invoice_lines
    where
        invoice_kind = 'invoice'
        -- Guest sales are no customer: never new, never acquired.
        and not is_unidentified_customer
    group by customer_key

),

touches as (

    -- The customer's converted leads and won deals: the earliest one names the channel.
    select
        crm_accounts.customer_key,
        leads.converted_at as touched_at,
        1 as touch_order,
        'lead' as touch_kind,
        leads.lead_id as touch_id,
        leads.lead_source as channel,
        leads.campaign_id
    from crm_accounts
    inner join leads
        on crm_accounts.account_id = leads.converted_account_id
    where
        leads.converted_at is not null
        and leads.lead_source is not null

    union all

    select
        crm_accounts.customer_key,
        cast(opportunities.close_date as {{ dbt.type_timestamp() }}) as touched_at,
        2 as touch_order,
        'opportunity' as touch_kind,
        opportunities.opportunity_id as touch_id,
        opportunities.lead_source as channel,
        opportunities.campaign_id
    from crm_accounts
    inner join opportunities
        on crm_accounts.account_id = opportunities.account_id
    where
        opportunities.stage = 'Closed Won'
        and opportunities.lead_source is not null

),

ranked_touches as (

    -- Same instant: a lead converts into its opportunity, so the lead names the channel.
    select
        *,
        row_number() over (
            partition by customer_key
            order by touched_at asc, touch_order asc, touch_id asc
        ) as touch_rank
    from touches

),

final as (

    select
        customer_keys.customer_key,
        first_invoices.first_invoice_date,
        {{ month_of('first_invoices.first_invoice_date') }} as acquisition_month,
        cast({{ dbt.date_trunc('quarter', 'first_invoices.first_invoice_date') }} as date)
            as acquisition_quarter,
        coalesce(ranked_touches.channel, 'Unattributed') as acquisition_channel,
        ranked_touches.campaign_id as acquisition_campaign_id,
        ranked_touches.touch_kind as acquisition_touch_kind,
        ranked_touches.touch_id as acquisition_touch_id,
        ranked_touches.touched_at as acquisition_touched_at
    from customer_keys
    left join first_invoices
        on customer_keys.customer_key = first_invoices.customer_key
    left join ranked_touches
        on
            customer_keys.customer_key = ranked_touches.customer_key
            and ranked_touches.touch_rank = 1

)

select * from final

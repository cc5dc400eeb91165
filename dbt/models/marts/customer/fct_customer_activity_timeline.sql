{#- Everything that happened with a customer, one row per event, newest questions answered in
    one place: invoices and credit notes (ERP, reporting currency), sales orders (ERP),
    opportunities, support cases and activities (CRM). CRM records reach their customer through
    the identity bridge, ERP records through their customer number; deleted opportunities are
    left out. Event times are UTC (the build runs
    in UTC; date-only events at midnight). Amounts keep the currency they are stated in (the `currency` column). -#}
with

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

keys_by_number as (

    select * from {{ ref('int_customer_keys_by_erp_number') }}

),

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

sales_orders as (

    select * from {{ ref('stg_erp__sales_orders') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

cases as (

    select * from {{ ref('stg_crm__cases') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

crm_keys as (

    select
        customer_key,
        source_record_id as account_id
    from bridge
    where source_system = 'crm'

),

invoice_events as (

    select
        customer_key,
        cast(invoice_date as {{ type_timestamp_tz() }}) as event_at,
        invoice_kind as event_type,
        'erp' as source_system,
        invoice_number as source_record_id,
        max(invoice_status) as status,
        cast(null as {{ dbt.type_string() }}) as detail,
        sum(net_revenue) as amount,
        max(reporting_currency) as currency
    from invoice_lines
    group by
        customer_key,
        invoice_date,
        invoice_kind,
        invoice_number

),

order_events as (

    select
        keys_by_number.customer_key,
        cast(sales_orders.order_date as {{ type_timestamp_tz() }}) as event_at,
        'sales_order' as event_type,
        'erp' as source_system,
        sales_orders.order_number as source_record_id,
        sales_orders.status,
        sales_orders.sales_rep as detail,
        cast(null as decimal(18, 2)) as amount,
        sales_orders.currency
    from sales_orders
    inner join keys_by_number
        on sales_orders.customer_number = keys_by_number.customer_number

),

opportunity_events as (

    select
        crm_keys.customer_key,
        opportunities.created_at as event_at,
        'opportunity' as event_type,
        'crm' as source_system,
        opportunities.opportunity_id as source_record_id,
        opportunities.stage as status,
        opportunities.name as detail,
        opportunities.amount,
        opportunities.currency
    from opportunities
    inner join crm_keys
        on opportunities.account_id = crm_keys.account_id
    where not coalesce(opportunities.is_deleted, false)

),

case_events as (

    select
        crm_keys.customer_key,
        cases.created_at as event_at,
        'case' as event_type,
        'crm' as source_system,
        cases.case_id as source_record_id,
        cases.status,
        {{ dbt.concat([
            "coalesce(cases.priority, '?')",
            "' priority, via '",
            "coalesce(cases.origin, '?')",
            "coalesce(' · CSAT ' || "
            ~ dbt.cast('cases.csat_score', dbt.type_string()) ~ ", '')",
        ]) }} as detail,
        cast(null as decimal(18, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as currency
    from cases
    inner join crm_keys
        on cases.account_id = crm_keys.account_id

),

activity_events as (

    select
        crm_keys.customer_key,
        activities.activity_at as event_at,
        'activity' as event_type,
        'crm' as source_system,
        activities.activity_id as source_record_id,
        activities.type as status,
        activities.subject as detail,
        cast(null as decimal(18, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as currency
    from activities
    inner join crm_keys
        on activities.account_id = crm_keys.account_id

),

events as (

    select * from invoice_events
    union all
    select * from order_events
    union all
    select * from opportunity_events
    union all
    select * from case_events
    union all
    select * from activity_events

),

final as (

    select
        customer_key,
        event_at,
        cast(event_at as date) as event_date,
        event_type,
        source_system,
        source_record_id,
        status,
        detail,
        cast(amount as decimal(18, 2)) as amount,
        currency
    from events

)

select * from final

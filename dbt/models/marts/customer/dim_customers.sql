{#- One row per customer: an organisation with at least one ERP record (or invoices under a
    number the ERP never sent: an inferred member), however many CRM accounts and ERP records it
    has. Golden attributes follow the survivorship rules of docs/identity.md: the ERP wins for
    legal and billing facts (name, country, address, VAT, segment, currency) from its most
    recently updated record; the CRM wins for the relationship (name in use, industry, size,
    owner) from its most recently modified account; each falls back to the other system. -#}
with

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

keys_by_number as (

    select * from {{ ref('int_customer_keys_by_erp_number') }}

),

erp_customers as (

    select * from {{ ref('stg_erp__customers') }}

),

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

crm_contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

crm_users as (

    select * from {{ ref('stg_crm__users') }}

),

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

cases as (

    select * from {{ ref('stg_crm__cases') }}

),

sales_orders as (

    select * from {{ ref('stg_erp__sales_orders') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

acquisitions as (

    select * from {{ ref('int_customer_acquisitions') }}

),

receivable_documents as (

    select * from {{ ref('int_receivable_documents') }}

),

customer_clv as (

    select * from {{ ref('fct_customer_clv') }}

),

erp_records as (

    select
        keys_by_number.customer_key,
        keys_by_number.is_inferred,
        keys_by_number.customer_number,
        erp_customers.legal_name,
        erp_customers.trading_name,
        erp_customers.vat_number,
        erp_customers.address,
        erp_customers.postal_code,
        erp_customers.city,
        erp_customers.country_code,
        erp_customers.currency,
        erp_customers.segment,
        erp_customers.is_blocked,
        erp_customers.created_on,
        row_number() over (
            partition by keys_by_number.customer_key
            order by erp_customers.updated_on desc nulls last, keys_by_number.customer_number asc
        ) as recency_rank,
        row_number() over (
            partition by keys_by_number.customer_key
            order by erp_customers.created_on nulls last, keys_by_number.customer_number
        ) as age_rank
    from keys_by_number
    left join erp_customers
        on keys_by_number.customer_number = erp_customers.customer_number

),

crm_records as (

    select
        bridge.customer_key,
        crm_accounts.account_id,
        crm_accounts.name,
        crm_accounts.industry,
        crm_accounts.employee_count,
        crm_accounts.owner_id,
        crm_accounts.vat_number,
        crm_accounts.billing_country,
        row_number() over (
            partition by bridge.customer_key
            order by crm_accounts.last_modified_at desc, crm_accounts.account_id asc
        ) as recency_rank,
        row_number() over (
            partition by bridge.customer_key
            order by crm_accounts.created_at, crm_accounts.account_id
        ) as age_rank
    from bridge
    inner join crm_accounts
        on
            bridge.source_system = 'crm'
            and bridge.source_record_id = crm_accounts.account_id

),

record_counts as (

    select
        customer_key,
        count(*) filter (where source_system = 'crm') as crm_records,
        count(*) filter (where source_system = 'erp') as erp_records
    from bridge
    group by customer_key

),

main_contacts as (

    select
        crm_records.customer_key,
        crm_contacts.first_name,
        crm_contacts.last_name,
        crm_contacts.email,
        row_number() over (
            partition by crm_records.customer_key
            order by crm_contacts.created_at, crm_contacts.contact_id
        ) as contact_rank
    from crm_records
    inner join crm_contacts
        on crm_records.account_id = crm_contacts.account_id
    where crm_contacts.email is not null

),

revenue as (

    select
        customer_key,
        min(invoice_date) filter (where invoice_kind = 'invoice') as first_invoice_date,
        max(invoice_date) filter (where invoice_kind = 'invoice') as last_invoice_date,
        sum(net_revenue) as lifetime_net_revenue,
        sum(gross_margin) as lifetime_gross_margin
    from invoice_lines
    group by customer_key

),

data_as_of as (

    select max(invoice_date) as as_of_date
    from invoice_lines

),

active as (

    -- Active: net revenue > 0 over the 12 months up to the newest invoice date.
    select invoice_lines.customer_key
    from invoice_lines
    cross join data_as_of
    where invoice_lines.invoice_date > {{ add_months('data_as_of.as_of_date', -12) }}
    group by invoice_lines.customer_key
    having sum(invoice_lines.net_revenue) > 0

),

latest_rates as (

    select
        currency,
        rate,
        row_number() over (partition by currency order by month desc) as rate_rank
    from fx_rates

),

open_pipeline as (

    -- Open deals in the reporting currency at the newest monthly rate.
    select
        crm_records.customer_key,
        sum(opportunities.amount * latest_rates.rate) as open_pipeline,
        count(*) as open_opportunities
    from crm_records
    inner join opportunities
        on crm_records.account_id = opportunities.account_id
    left join latest_rates
        on
            opportunities.currency = latest_rates.currency
            and latest_rates.rate_rank = 1
    where opportunities.stage not in ('Closed Won', 'Closed Lost')
    group by crm_records.customer_key

),

open_cases as (

    select
        crm_records.customer_key,
        count(*) as open_cases
    from crm_records
    inner join cases
        on crm_records.account_id = cases.account_id
    where cases.closed_at is null
    group by crm_records.customer_key

),

last_orders as (

    select
        erp_records.customer_key,
        max(sales_orders.order_date) as last_order_date
    from erp_records
    inner join sales_orders
        on erp_records.customer_number = sales_orders.customer_number
    group by erp_records.customer_key

),

invoice_open_amounts as (

    -- What is still owed on each invoice in its own currency: gross amount less payments.
    -- int_receivable_documents already summed both per invoice; deduplicating and summing the
    -- ERP's invoices, lines and payments again here took ~1.5 s of CPU at 100,000 customers.
    select
        customer_number,
        document_currency as currency,
        gross_amount_document - paid_amount_document as open_amount
    from receivable_documents
    where
        invoice_kind = 'invoice'
        and coalesce(invoice_status, '') != 'cancelled'

),

outstanding as (

    select
        erp_records.customer_key,
        sum(invoice_open_amounts.open_amount * latest_rates.rate) as outstanding_balance
    from erp_records
    inner join invoice_open_amounts
        on erp_records.customer_number = invoice_open_amounts.customer_number
    left join latest_rates
        on
            invoice_open_amounts.currency = latest_rates.currency
            and latest_rates.rate_rank = 1
    where invoice_open_amounts.open_amount > 0
    group by erp_records.customer_key

),

customer_keys as (

    select distinct customer_key from erp_records

),

final as (

    select
        customer_keys.customer_key,
        erp_primary.customer_number as erp_customer_number,
        crm_primary.account_id as crm_account_id,
        coalesce(
            crm_latest.name, erp_latest.trading_name, erp_latest.legal_name,
            {{ dbt.concat(["'Unknown customer '", 'erp_primary.customer_number']) }}
        ) as customer_name,
        coalesce(erp_latest.legal_name, crm_latest.name) as legal_name,
        coalesce(erp_latest.country_code, crm_latest.billing_country) as country_code,
        erp_latest.address,
        erp_latest.postal_code,
        erp_latest.city,
        erp_latest.segment,
        crm_latest.industry,
        crm_latest.employee_count,
        crm_latest.owner_id as owner_user_id,
        crm_users.name as owner_name,
        erp_latest.currency as billing_currency,
        coalesce(erp_latest.vat_number, crm_latest.vat_number) as vat_number,
        {{ dbt.concat(['main_contacts.first_name', "' '", 'main_contacts.last_name']) }}
            as main_contact_name,
        main_contacts.email as main_contact_email,
        coalesce(erp_latest.is_blocked, false) as is_blocked,
        crm_primary.account_id is not null as is_matched_to_crm,
        erp_primary.is_inferred,
        coalesce(record_counts.crm_records, 0) as crm_records,
        greatest(coalesce(record_counts.erp_records, 0), 1) as erp_records,
        erp_primary.created_on,
        revenue.first_invoice_date,
        {{ month_of('revenue.first_invoice_date') }} as acquisition_month,
        coalesce(acquisitions.acquisition_channel, 'Unattributed') as acquisition_channel,
        revenue.last_invoice_date,
        cast(coalesce(revenue.lifetime_net_revenue, 0) as decimal(18, 2))
            as lifetime_net_revenue,
        cast(coalesce(revenue.lifetime_gross_margin, 0) as decimal(18, 2))
            as lifetime_gross_margin,
        last_orders.last_order_date,
        cast(coalesce(open_pipeline.open_pipeline, 0) as decimal(18, 2)) as open_pipeline,
        coalesce(open_pipeline.open_opportunities, 0) as open_opportunities,
        coalesce(open_cases.open_cases, 0) as open_cases,
        cast(coalesce(outstanding.outstanding_balance, 0) as decimal(18, 2))
            as outstanding_balance,
        active.customer_key is not null as is_active,
        customer_clv.predicted_clv,
        customer_clv.p_alive
    from customer_keys
    inner join erp_records as erp_primary
        on
            customer_keys.customer_key = erp_primary.customer_key
            and erp_primary.age_rank = 1
    inner join erp_records as erp_latest
        on
            customer_keys.customer_key = erp_latest.customer_key
            and erp_latest.recency_rank = 1
    left join crm_records as crm_primary
        on
            customer_keys.customer_key = crm_primary.customer_key
            and crm_primary.age_rank = 1
    left join crm_records as crm_latest
        on
            customer_keys.customer_key = crm_latest.customer_key
            and crm_latest.recency_rank = 1
    left join crm_users
        on crm_latest.owner_id = crm_users.user_id
    left join main_contacts
        on
            customer_keys.customer_key = main_contacts.customer_key
            and main_contacts.contact_rank = 1
    left join record_counts
        on customer_keys.customer_key = record_counts.customer_key
    left join revenue
        on customer_keys.customer_key = revenue.customer_key
    left join last_orders
        on customer_keys.customer_key = last_orders.customer_key
    left join open_pipeline
        on customer_keys.customer_key = open_pipeline.customer_key
    left join open_cases
        on customer_keys.customer_key = open_cases.customer_key
    left join active
        on customer_keys.customer_key = active.customer_key
    left join acquisitions
        on customer_keys.customer_key = acquisitions.customer_key
    left join outstanding
        on customer_keys.customer_key = outstanding.customer_key
    left join customer_clv
        on customer_keys.customer_key = customer_clv.customer_key

)

select * from final

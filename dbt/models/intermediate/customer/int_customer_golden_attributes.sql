{#- One row per customer (an organisation with at least one ERP record, or invoices under a
    number the ERP never sent: an inferred member): its golden attributes. Survivorship rules of
    docs/identity.md: the ERP wins for legal and billing facts (name, country, address, VAT,
    segment, currency) from its most recently updated record; the CRM wins for the relationship
    (name in use, industry, size, owner) from its most recently modified account; each falls
    back to the other system. dim_customers joins the activity summaries to it. -#}
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

crm_records as (

    select * from {{ ref('int_customer_crm_accounts') }}

),

crm_contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

crm_users as (

    select * from {{ ref('stg_crm__users') }}

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
        erp_primary.created_on
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

)

select * from final

{#- One row per customer. For now a customer is an ERP customer record, linked to the CRM
    account that carries its ERP number (the earliest created one when several do); identity
    resolution across names and duplicates replaces this rule in a later step.
    A customer number that invoices use but the ERP never extracted becomes an inferred member
    (is_inferred), so its revenue is kept and the gap shows in quality.sync_errors. -#}
with

erp_customers as (

    select * from {{ ref('stg_erp__customers') }}

),

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}
    where not coalesce(is_deleted, false)

),

crm_users as (

    select * from {{ ref('stg_crm__users') }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

crm_links as (

    select
        erp_customer_number,
        account_id,
        industry,
        owner_id,
        row_number() over (
            partition by erp_customer_number
            order by created_at, account_id
        ) as link_rank
    from crm_accounts
    where erp_customer_number is not null

),

inferred_customers as (

    select distinct invoices.customer_number
    from invoices
    left join erp_customers
        on invoices.customer_number = erp_customers.customer_number
    where erp_customers.customer_number is null

),

customers as (

    select
        customer_number,
        trading_name,
        legal_name,
        country_code,
        segment,
        currency,
        vat_number,
        is_blocked,
        created_on,
        false as is_inferred
    from erp_customers

    union all

    select
        customer_number,
        null as trading_name,
        {{ dbt.concat(["'Unknown customer '", 'customer_number']) }} as legal_name,
        null as country_code,
        null as segment,
        null as currency,
        null as vat_number,
        false as is_blocked,
        null as created_on,
        true as is_inferred
    from inferred_customers

),

first_invoices as (

    select
        customer_number,
        min(invoice_date) as first_invoice_date
    from invoices
    where
        kind = 'invoice'
        and coalesce(status, '') != 'cancelled'
    group by customer_number

),

final as (

    select
        {{ dbt.hash(dbt.concat(["'erp:'", 'customers.customer_number'])) }} as customer_key,
        customers.customer_number as erp_customer_number,
        crm_links.account_id as crm_account_id,
        coalesce(customers.trading_name, customers.legal_name) as customer_name,
        customers.legal_name,
        customers.country_code,
        customers.segment,
        crm_links.industry,
        crm_links.owner_id as owner_user_id,
        crm_users.name as owner_name,
        customers.currency as billing_currency,
        customers.vat_number,
        coalesce(customers.is_blocked, false) as is_blocked,
        crm_links.account_id is not null as is_matched_to_crm,
        customers.is_inferred,
        customers.created_on,
        first_invoices.first_invoice_date,
        {{ month_of('first_invoices.first_invoice_date') }} as acquisition_month
    from customers
    left join crm_links
        on
            customers.customer_number = crm_links.erp_customer_number
            and crm_links.link_rank = 1
    left join crm_users
        on crm_links.owner_id = crm_users.user_id
    left join first_invoices
        on customers.customer_number = first_invoices.customer_number

)

select * from final

{#- One row per customer. For now a customer is an ERP customer record, linked to the CRM
    account that carries its ERP number (the earliest created one when several do); identity
    resolution across names and duplicates replaces this rule in a later step. -#}
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
        {{ dbt.hash(dbt.concat(["'erp:'", 'erp_customers.customer_number'])) }} as customer_key,
        erp_customers.customer_number as erp_customer_number,
        crm_links.account_id as crm_account_id,
        coalesce(erp_customers.trading_name, erp_customers.legal_name) as customer_name,
        erp_customers.legal_name,
        erp_customers.country_code,
        erp_customers.segment,
        crm_links.industry,
        crm_links.owner_id as owner_user_id,
        crm_users.name as owner_name,
        erp_customers.currency as billing_currency,
        erp_customers.vat_number,
        coalesce(erp_customers.is_blocked, false) as is_blocked,
        crm_links.account_id is not null as is_matched_to_crm,
        erp_customers.created_on,
        first_invoices.first_invoice_date,
        {{ month_of('first_invoices.first_invoice_date') }} as acquisition_month
    from erp_customers
    left join crm_links
        on
            erp_customers.customer_number = crm_links.erp_customer_number
            and crm_links.link_rank = 1
    left join crm_users
        on crm_links.owner_id = crm_users.user_id
    left join first_invoices
        on erp_customers.customer_number = first_invoices.customer_number

)

select * from final

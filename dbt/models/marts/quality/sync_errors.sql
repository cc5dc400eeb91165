{#- Records one system says exist and the other (or the same one) contradicts. The warehouse
    keeps the data (revenue is never dropped); this table says what to fix at the source. -#}
with

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

erp_customers as (

    select * from {{ ref('stg_erp__customers') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

sales_orders as (

    select * from {{ ref('stg_erp__sales_orders') }}

),

unknown_invoice_customers as (

    select
        'invoice_unknown_customer' as error_type,
        'erp' as source_system,
        'invoices' as entity,
        invoices.invoice_number as record_id,
        {{ dbt.concat([
            "'customer number '",
            'invoices.customer_number',
            "' is not in the ERP customer extract'",
        ]) }} as detail
    from invoices
    left join erp_customers
        on invoices.customer_number = erp_customers.customer_number
    where
        erp_customers.customer_number is null
        -- No number at all is a guest sale (quality.unidentified_sales), not a sync error.
        and invoices.customer_number is not null

),

unknown_line_products as (

    select
        'invoice_line_unknown_sku' as error_type,
        'erp' as source_system,
        'invoice_lines' as entity,
        {{ dbt.concat([
            'invoice_lines.invoice_number',
            "'-'",
            dbt.cast('invoice_lines.line_number', dbt.type_string()),
        ]) }} as record_id,
        {{ dbt.concat([
            "'SKU '", 'invoice_lines.sku', "' is not in the ERP product extract'"
        ]) }} as detail
    from invoice_lines
    left join products
        on invoice_lines.sku = products.sku
    where products.sku is null

),

crm_numbers_missing_in_erp as (

    select
        'crm_erp_number_not_in_erp' as error_type,
        'crm' as source_system,
        'accounts' as entity,
        crm_accounts.account_id as record_id,
        {{ dbt.concat([
            "'CRM account carries ERP number '",
            'crm_accounts.erp_customer_number',
            "', which the ERP does not have'",
        ]) }} as detail
    from crm_accounts
    left join erp_customers
        on crm_accounts.erp_customer_number = erp_customers.customer_number
    where
        crm_accounts.erp_customer_number is not null
        and erp_customers.customer_number is null

),

orders_extracted_through as (

    select max(_extract_date) as extract_date
    from sales_orders

),

won_opportunities_without_order as (

    -- A won deal becomes an ERP order within days; one closed 14 days before the newest ERP
    -- order extract that no order references (sales_orders.crm_opportunity_id) never synced.
    select
        'won_opportunity_without_order' as error_type,
        'crm' as source_system,
        'opportunities' as entity,
        opportunities.opportunity_id as record_id,
        {{ dbt.concat([
            "'opportunity won on '",
            dbt.cast('opportunities.close_date', dbt.type_string()),
            "' has no ERP sales order'",
        ]) }} as detail
    from opportunities
    cross join orders_extracted_through
    where
        opportunities.stage = 'Closed Won'
        and opportunities.close_date
        <= {{ dbt.dateadd('day', -14, 'orders_extracted_through.extract_date') }}
        and not exists (
            select 1
            from sales_orders
            where sales_orders.crm_opportunity_id = opportunities.opportunity_id
        )

),

final as (

    select * from unknown_invoice_customers
    union all
    select * from unknown_line_products
    union all
    select * from crm_numbers_missing_in_erp
    union all
    select * from won_opportunities_without_order

)

select * from final

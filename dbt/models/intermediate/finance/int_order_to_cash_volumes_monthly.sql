{#- The ERP's order-to-cash activity per customer and month, one row per driver: sales orders
    (order date), invoices and credit notes (document date) and invoiced lines of goods products,
    none of them cancelled. The cost-to-serve drivers orders, invoices, credit_notes and
    goods_lines (seed cost_driver_rates).

    A document without a customer number is a guest sale and counts on the unidentified customer,
    like its revenue; a number no ERP record or invoice knows keeps a null customer_key. -#}
with

sales_orders as (

    select * from {{ ref('stg_erp__sales_orders') }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

customer_keys as (

    select * from {{ ref('int_customer_keys_by_erp_number') }}

),

documents as (

    select
        sales_orders.customer_number,
        {{ month_of('sales_orders.order_date') }} as month,
        'orders' as driver,
        1 as quantity
    from sales_orders
    where coalesce(sales_orders.status, '') != 'cancelled'
    union all
    select
        invoices.customer_number,
        {{ month_of('invoices.invoice_date') }} as month,
        case when invoices.kind = 'credit_note' then 'credit_notes' else 'invoices' end as driver,
        1 as quantity
    from invoices
    where coalesce(invoices.status, '') != 'cancelled'
    union all
    select
        invoices.customer_number,
        {{ month_of('invoices.invoice_date') }} as month,
        'goods_lines' as driver,
        1 as quantity
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_number = invoices.invoice_number
    inner join products
        on invoice_lines.sku = products.sku
    where
        invoices.kind = 'invoice'
        and coalesce(invoices.status, '') != 'cancelled'
        and products.kind = 'goods'

),

final as (

    select
        case
            when documents.customer_number is null then {{ unidentified_customer_key() }}
            else customer_keys.customer_key
        end as customer_key,
        documents.month,
        documents.driver,
        cast(sum(documents.quantity) as decimal(38, 6)) as quantity,
        1 as quantity_per_unit
    from documents
    left join customer_keys
        on documents.customer_number = customer_keys.customer_number
    group by
        case
            when documents.customer_number is null then {{ unidentified_customer_key() }}
            else customer_keys.customer_key
        end,
        documents.month,
        documents.driver

)

select * from final

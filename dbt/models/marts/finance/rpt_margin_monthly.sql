{#- Revenue, COGS and gross margin per month and value of one dimension, in long format: one
    row per (month, dimension, dimension_value), so a dashboard picks a dimension with one filter
    and every dimension adds up to the same monthly total.

    Dimensions: product (the SKU, named in dimension_label), category, product_line (of the
    product), segment and country (of the customer, dim_customers), sales_owner (the sales rep
    on the order the invoice bills, else the customer's CRM owner). A missing value is
    '(none)': lines billing a project have no product, so they are '(none)' in product,
    category and product_line. COGS and margin are null in a month whose margin rpt_kpi_monthly
    calls unknown (no costed invoice line: a month of credit notes alone). -#}
with

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

sales_orders as (

    select * from {{ ref('stg_erp__sales_orders') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

margin_months as (

    -- rpt_kpi_monthly decides when a month's margin is known (some invoice line of it costed,
    -- docs/metrics.md); every dimension here follows it, so the two never disagree.
    select
        month,
        cogs is not null as is_margin_known
    from {{ ref('rpt_kpi_monthly') }}

),

attributed as (

    select
        invoice_lines.invoice_month as month,
        invoice_lines.net_revenue,
        case when margin_months.is_margin_known then invoice_lines.cogs end as cogs,
        case when margin_months.is_margin_known then invoice_lines.gross_margin end as gross_margin,
        coalesce(invoice_lines.sku, '(none)') as product,
        coalesce(products.name, '(none)') as product_name,
        coalesce(products.category, '(none)') as category,
        coalesce(products.product_line, '(none)') as product_line,
        coalesce(customers.segment, '(none)') as segment,
        coalesce(customers.country_code, '(none)') as country,
        coalesce(sales_orders.sales_rep, customers.owner_name, '(none)') as sales_owner
    from invoice_lines
    left join invoices
        on invoice_lines.invoice_number = invoices.invoice_number
    left join sales_orders
        on invoices.order_number = sales_orders.order_number
    left join products
        on invoice_lines.sku = products.sku
    left join customers
        on invoice_lines.customer_key = customers.customer_key
    left join margin_months
        on invoice_lines.invoice_month = margin_months.month

),

long_format as (

    {%- set dimensions = [
        ('product', 'product_name'),
        ('category', 'category'),
        ('product_line', 'product_line'),
        ('segment', 'segment'),
        ('country', 'country'),
        ('sales_owner', 'sales_owner'),
    ] %}
    {%- for dimension, label in dimensions %}
        select
            month,
            '{{ dimension }}' as dimension,
            {{ dimension }} as dimension_value,
            {{ label }} as dimension_label,
            net_revenue,
            cogs,
            gross_margin
        from attributed
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        month,
        dimension,
        dimension_value,
        max(dimension_label) as dimension_label,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(sum(net_revenue) as decimal(18, 2)) as net_revenue,
        cast(sum(cogs) as decimal(18, 2)) as cogs,
        cast(sum(gross_margin) as decimal(18, 2)) as gross_margin,
        case
            when sum(net_revenue) != 0
                then cast(sum(gross_margin) as double) / cast(sum(net_revenue) as double)
        end as gross_margin_pct,
        cast(count(*) as integer) as invoice_lines
    from long_format
    group by
        month,
        dimension,
        dimension_value

)

select * from final

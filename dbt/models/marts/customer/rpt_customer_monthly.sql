{#- Net revenue, COGS and gross margin per customer and calendar month, with the customer's
    segment, country and acquisition channel so a dashboard filters by them without joining.
    Only months with at least one invoice or credit-note line are present. -#}
with

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

monthly as (

    select
        customer_key,
        invoice_month as month,
        sum(net_revenue) as net_revenue,
        sum(cogs) as cogs,
        sum(gross_margin) as gross_margin,
        count(*) as invoice_lines,
        count(distinct invoice_number) as documents
    from invoice_lines
    group by
        customer_key,
        invoice_month

),

final as (

    select
        monthly.customer_key,
        monthly.month,
        customers.segment,
        customers.country_code,
        customers.acquisition_channel,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(monthly.net_revenue as decimal(18, 2)) as net_revenue,
        cast(monthly.cogs as decimal(18, 2)) as cogs,
        cast(monthly.gross_margin as decimal(18, 2)) as gross_margin,
        cast(monthly.invoice_lines as integer) as invoice_lines,
        cast(monthly.documents as integer) as documents
    from monthly
    left join customers
        on monthly.customer_key = customers.customer_key

)

select * from final

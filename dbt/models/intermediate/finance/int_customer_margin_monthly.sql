{#- Net revenue, COGS and gross margin per customer and invoice month, from the invoice lines. -#}
with

invoice_lines as (

    select * from {{ ref('int_invoice_lines_costed') }}

),

final as (

    select
        customer_key,
        invoice_month as month,
        sum(net_revenue) as net_revenue,
        sum(cogs) as cogs,
        sum(gross_margin) as gross_margin
    from invoice_lines
    group by
        customer_key,
        invoice_month

)

select * from final

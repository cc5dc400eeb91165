{#- Whether the company delivers any cost data at all: one row. Without a single line of known
    cost (no product costs, no timesheets), every margin is unknown, including the 0 a month
    without sales or a customer with only support cost would otherwise show. The marts read
    this flag instead of each deciding it. -#}
with

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

final as (

    select count(case when has_known_cost then 1 end) > 0 as has_cost_data
    from invoice_lines

)

select * from final

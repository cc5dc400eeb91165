{#- Whether the company delivers any cost data at all: one row. Without a standard cost or a
    timesheet (no product_costs, no timesheets), every margin is unknown: even a credit note's
    cost, 0 by convention when costs exist, and the 0 margin of a month without sales or of a
    customer with support cost only. Read from the inputs of fct_invoice_lines (not from it), so
    the fact and the rollups take the same flag. -#}
with

product_costs as (

    select * from {{ ref('stg_erp__product_costs') }}

),

project_costs as (

    select * from {{ ref('int_project_costs_monthly') }}

),

product_cost_rows as (

    select count(*) as cost_rows
    from product_costs

),

timesheet_rows as (

    select count(*) as cost_rows
    from project_costs

),

final as (

    select
        product_cost_rows.cost_rows > 0 as has_product_costs,
        -- With timesheets delivered, a project-month nobody booked time on costs 0; without
        -- any, a project line's cost is unknown.
        timesheet_rows.cost_rows > 0 as has_timesheets,
        product_cost_rows.cost_rows + timesheet_rows.cost_rows > 0 as has_cost_data
    from product_cost_rows
    cross join timesheet_rows

)

select * from final

{#- Every cost-to-serve driver's volume per customer and month, in long format (KPIS.md, cost to
    serve; seed cost_driver_rates lists the drivers).

    `quantity` is what the sources count, `quantity_per_unit` how many of it make one unit of the
    driver's rate: support is counted in handle minutes and costed per hour (60), payment
    behaviour in overdue amount x days and costed per amount-year (365), everything else 1. Cost
    is quantity x rate / quantity_per_unit, rounded once, so no volume is rounded before it is
    costed. A null customer_key is activity no known customer could be found for. -#}
with

order_to_cash as (

    select * from {{ ref('int_order_to_cash_volumes_monthly') }}

),

account_management as (

    select * from {{ ref('int_account_management_volumes_monthly') }}

),

support as (

    select * from {{ ref('int_support_cases_monthly') }}

),

overdue as (

    select * from {{ ref('int_overdue_amount_days_monthly') }}

),

gl_costs as (

    select * from {{ ref('int_customer_gl_costs_monthly') }}

),

combined as (

    select
        customer_key,
        month,
        driver,
        quantity,
        quantity_per_unit
    from order_to_cash
    union all
    select
        customer_key,
        month,
        driver,
        quantity,
        quantity_per_unit
    from account_management
    union all
    select
        customer_key,
        month,
        'support_hours' as driver,
        cast(handle_minutes as decimal(38, 6)) as quantity,
        60 as quantity_per_unit
    from support
    union all
    select
        customer_key,
        month,
        driver,
        quantity,
        quantity_per_unit
    from overdue
    union all
    select
        customer_key,
        month,
        'direct_gl' as driver,
        cast(direct_gl_cost as decimal(38, 6)) as quantity,
        1 as quantity_per_unit
    from gl_costs

),

final as (

    select
        customer_key,
        month,
        driver,
        quantity,
        cast(quantity_per_unit as integer) as quantity_per_unit,
        cast(
            round(cast(quantity / quantity_per_unit as decimal(38, 10)), 6) as decimal(38, 6)
        ) as volume
    from combined

)

select * from final

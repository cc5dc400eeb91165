{#- Lifetime cost to serve per customer and driver: rpt_cost_to_serve summed over its months.
    The Profitability page's what-if multiplies these volumes by the rates a reader picks, and
    Customer 360 lists a customer's drivers; both summed 4 M monthly rows per view at 100,000
    customers (about 0.25 s of the page), where this table has one row per customer and driver.
    Volumes and costs are sums, cast back to the monthly table's types
    (macros/cost_to_serve_driver_totals.sql). The what-if, volume x rate + unreached
    pool cost, is linear, so it is the same over these rows as over the months. Rows are
    ordered by customer, so one customer's rows sit in few of the table's blocks. -#}
with

monthly as (

    select * from {{ ref('rpt_cost_to_serve') }}

),

final as (

    select
        customer_key,
        driver,
        {{ cost_to_serve_driver_totals() }},
        cast(sum(unreached_pool_cost) as decimal(18, 2)) as unreached_pool_cost,
        min(month) as first_month,
        max(month) as last_month,
        customer_key is null as is_unattributed
    from monthly
    group by
        customer_key,
        driver

)

select * from final
order by customer_key, driver

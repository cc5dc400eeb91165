{#- Lifetime cost to serve per customer and driver: rpt_cost_to_serve summed over its months.
    The Profitability page's what-if multiplies these volumes by the rates a reader picks, and
    Customer 360 lists a customer's drivers; both summed 4 M monthly rows per view at 100,000
    customers (about 0.25 s of the page), where this table has one row per customer and driver.
    Volumes and costs are sums, so the what-if (volume x rate + unreached pool cost, linear) is
    the same over these rows as over the months. Rows are ordered by customer, so one
    customer's rows sit in few of the table's blocks. -#}
with

monthly as (

    select * from {{ ref('rpt_cost_to_serve') }}

),

final as (

    select
        customer_key,
        driver,
        max(driver_label) as driver_label,
        max(unit) as unit,
        max(reporting_currency) as reporting_currency,
        sum(volume) as volume,
        sum(cost_to_serve) as cost_to_serve,
        sum(unreached_pool_cost) as unreached_pool_cost,
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

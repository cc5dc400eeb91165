{#- Lifetime cost to serve per customer and driver: rpt_cost_to_serve summed over its months.
    The Profitability page's what-if multiplies these volumes by the rates a reader picks, and
    Customer 360 lists a customer's drivers; both summed 4 M monthly rows per view at 100,000
    customers (about 0.25 s of the page), where this table has one row per customer and driver.
    Volumes and costs are sums, cast back to the monthly table's types (a sum's type differs by
    engine: DuckDB widens it to 38 digits, Spark by 10). The what-if, volume x rate + unreached
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
        max(driver_label) as driver_label,
        max(unit) as unit,
        max(reporting_currency) as reporting_currency,
        cast(sum(volume) as decimal(38, 6)) as volume,
        cast(sum(cost_to_serve) as decimal(18, 2)) as cost_to_serve,
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

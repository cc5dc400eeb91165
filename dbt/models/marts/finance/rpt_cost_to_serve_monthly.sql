{#- Cost to serve per month and driver, over every customer (the unattributed cost included):
    rpt_cost_to_serve summed over its customers, for the Profitability page's chart of cost by
    driver, which summed 4 M rows per view at 100,000 customers. Summed over drivers, a month's
    cost is rpt_kpi_monthly's cost_to_serve. -#}
with

customer_months as (

    select * from {{ ref('rpt_cost_to_serve') }}

),

final as (

    select
        month,
        driver,
        {{ cost_to_serve_driver_totals() }},
        cast(
            sum(cost_to_serve) filter (where is_unattributed) as decimal(18, 2)
        ) as unattributed_cost_to_serve
    from customer_months
    group by
        month,
        driver

)

select * from final
order by month, driver

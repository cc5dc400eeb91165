{#- Activity-based cost to serve in long format: one row per customer, month and driver, with
    the driver's volume, rate and cost (KPIS.md). The Profitability page's what-if rates multiply
    these volumes; every cost-to-serve figure elsewhere (rpt_kpi_monthly, the profitability
    marts) is the sum of these rows. A null customer_key is cost no known customer could be
    found for (is_unattributed), including what GL pools left unreached. -#}
with

driver_costs as (

    select * from {{ ref('int_cost_to_serve_drivers_monthly') }}

),

rates as (

    select * from {{ ref('cost_driver_rates') }}

),

final as (

    select
        driver_costs.customer_key,
        driver_costs.month,
        '{{ var("reporting_currency") }}' as reporting_currency,
        driver_costs.driver,
        rates.driver_label,
        rates.unit,
        driver_costs.volume,
        driver_costs.rate,
        driver_costs.rate_source,
        driver_costs.cost_to_serve,
        driver_costs.unreached_pool_cost,
        driver_costs.customer_key is null as is_unattributed
    from driver_costs
    left join rates
        on driver_costs.driver = rates.driver

)

select * from final

{#- Cost to serve per customer, month and driver: the driver's volume x its rate (KPIS.md).

    The rate is the configured one (seed cost_driver_rates), or, in a month where the ledger
    holds a cost pool for the driver (int_cost_pools_monthly), the pool / the month's total
    volume of the driver. Each row's cost is rounded once to the cent. Whatever of a pool no
    customer reached (no volume that month, and the cents of rounding) is added to the driver's
    row with a null customer_key and shown in unreached_pool_cost, so the pools add up exactly.
    A null customer_key is unattributed cost: it counts in the company totals only. -#}
with

volumes as (

    select * from {{ ref('int_cost_driver_volumes_monthly') }}

),

rates as (

    select * from {{ ref('cost_driver_rates') }}

),

pools as (

    select * from {{ ref('int_cost_pools_monthly') }}

),

driver_totals as (

    select
        driver,
        month,
        sum(quantity) as total_quantity
    from volumes
    group by
        driver,
        month

),

priced as (

    select
        volumes.customer_key,
        volumes.month,
        volumes.driver,
        volumes.quantity,
        volumes.quantity_per_unit,
        volumes.volume,
        pools.pool_amount is not null and driver_totals.total_quantity > 0 as is_pooled,
        case
            when pools.pool_amount is not null and driver_totals.total_quantity > 0
                then cast(
                    round(
                        cast(
                            pools.pool_amount * volumes.quantity_per_unit
                            / driver_totals.total_quantity
                            as decimal(38, 10)
                        ),
                        6
                    ) as decimal(18, 6)
                )
            else rates.rate
        end as rate,
        case
            when pools.pool_amount is not null and driver_totals.total_quantity > 0
                then 'gl_pool'
            when volumes.driver = 'direct_gl' then 'ledger'
            when rates.rate is not null then 'configured'
        end as rate_source,
        case
            when pools.pool_amount is not null and driver_totals.total_quantity > 0
                then {{ money_ratio(
                    wide_decimal('volumes.quantity') ~ ' * pools.pool_amount',
                    'driver_totals.total_quantity',
                ) }}
            else {{ money_ratio(
                wide_decimal('volumes.quantity') ~ ' * rates.rate', 'volumes.quantity_per_unit'
            ) }}
        end as cost_to_serve
    from volumes
    inner join driver_totals
        on
            volumes.driver = driver_totals.driver
            and volumes.month = driver_totals.month
    left join pools
        on
            volumes.driver = pools.driver
            and volumes.month = pools.month
    left join rates
        on volumes.driver = rates.driver

),

pooled_costs as (

    select
        driver,
        month,
        sum(cost_to_serve) as attributed_cost
    from priced
    where is_pooled
    group by
        driver,
        month

),

unreached as (

    select
        cast(null as {{ dbt.type_string() }}) as customer_key,
        pools.month,
        pools.driver,
        cast(0 as decimal(38, 6)) as quantity,
        cast(null as integer) as quantity_per_unit,
        cast(0 as decimal(38, 6)) as volume,
        cast(null as decimal(18, 6)) as rate,
        'gl_pool' as rate_source,
        pools.pool_amount - coalesce(pooled_costs.attributed_cost, 0) as cost_to_serve,
        pools.pool_amount - coalesce(pooled_costs.attributed_cost, 0) as unreached_pool_cost
    from pools
    left join pooled_costs
        on
            pools.driver = pooled_costs.driver
            and pools.month = pooled_costs.month

),

combined as (

    select
        customer_key,
        month,
        driver,
        quantity,
        quantity_per_unit,
        volume,
        rate,
        rate_source,
        cost_to_serve,
        cast(0 as decimal(18, 2)) as unreached_pool_cost
    from priced
    union all
    select * from unreached

),

final as (

    select
        customer_key,
        month,
        driver,
        cast(sum(quantity) as decimal(38, 6)) as quantity,
        cast(max(quantity_per_unit) as integer) as quantity_per_unit,
        cast(sum(volume) as decimal(38, 6)) as volume,
        cast(max(rate) as decimal(18, 6)) as rate,
        max(rate_source) as rate_source,
        cast(sum(cost_to_serve) as decimal(18, 2)) as cost_to_serve,
        cast(sum(unreached_pool_cost) as decimal(18, 2)) as unreached_pool_cost
    from combined
    group by
        customer_key,
        month,
        driver

)

select * from final

{#- The cost-to-serve drivers, one row each: label, unit, configured rate, whether a GL pool
    sets its rate instead (seed cost_pool_drivers), whether the source entity it counts was
    delivered, and its lifetime volume, cost and mean rate (cost / volume: the starting point of
    the Profitability page's what-if rates). A driver whose entity never came (an ERP-only
    company has no CRM activities or cases) has no volume: its cost is missing, not zero, and
    `message` says so. -#}
with

rates as (

    select * from {{ ref('cost_driver_rates') }}

),

pool_drivers as (

    select * from {{ ref('cost_pool_drivers') }}

),

coverage as (

    select * from {{ ref('source_coverage') }}

),

driver_costs as (

    select * from {{ ref('int_cost_to_serve_drivers_monthly') }}

),

lifetime as (

    select
        driver,
        sum(volume) as volume,
        sum(cost_to_serve) as cost_to_serve,
        sum(unreached_pool_cost) as unreached_pool_cost
    from driver_costs
    group by driver

),

pooled as (

    select
        driver,
        {{ sorted_listagg('account_code', "', '") }} as pool_accounts
    from pool_drivers
    group by driver

),

final as (

    select
        rates.driver,
        rates.driver_label,
        rates.unit,
        '{{ var("reporting_currency") }}' as reporting_currency,
        rates.rate as configured_rate,
        rates.description,
        pooled.pool_accounts,
        pooled.driver is not null as has_gl_pool,
        rates.source,
        rates.entity,
        coalesce(not coverage.is_absent, false) as is_available,
        cast(coalesce(lifetime.volume, 0) as decimal(38, 6)) as volume,
        cast(coalesce(lifetime.cost_to_serve, 0) as decimal(18, 2)) as cost_to_serve,
        cast(coalesce(lifetime.unreached_pool_cost, 0) as decimal(18, 2)) as unreached_pool_cost,
        case
            when lifetime.volume > 0
                then cast(
                    round(
                        cast(
                            (lifetime.cost_to_serve - lifetime.unreached_pool_cost)
                            / lifetime.volume as decimal(38, 10)
                        ),
                        4
                    ) as decimal(18, 6)
                )
        end as mean_rate,
        case
            when coalesce(coverage.is_absent, true)
                then {{ dbt.concat([
                    "'no '", 'rates.entity', "' in the '", 'upper(rates.source)',
                    "' extracts: '", 'lower(rates.driver_label)',
                    "' are not costed (delivering '", 'coverage.filled_by', "' fills it)'",
                ]) }}
        end as message
    from rates
    left join pooled
        on rates.driver = pooled.driver
    left join coverage
        on
            rates.source = coverage.source
            and rates.entity = coverage.entity
    left join lifetime
        on rates.driver = lifetime.driver

)

select * from final

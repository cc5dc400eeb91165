{#- The cost-to-serve drivers, one row each: label, unit, configured rate, whether a GL pool
    sets its rate instead (seed cost_pool_drivers), and whether the source entity it counts was
    delivered. A driver whose entity never came (an ERP-only company has no CRM activities or
    cases) has no volume: its cost is missing, not zero, and `message` says so. -#}
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

)

select * from final

{#- GL cost pools per driver and month (activity-based costing): the ledger's postings on the
    accounts that seed cost_pool_drivers maps to a driver, x the account's share for that
    driver, in the reporting currency at the posting month's rate. An entry carrying a customer
    number is that customer's direct cost (int_customer_gl_costs_monthly), never a pool, so it
    is not counted twice. A driver with a pool in a month is costed at pool / total volume
    instead of its configured rate (int_cost_to_serve_drivers_monthly). -#}
with

gl_entries as (

    select * from {{ ref('stg_erp__gl_entries') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

pool_drivers as (

    select * from {{ ref('cost_pool_drivers') }}

),

converted as (

    select
        gl_entries.account_code,
        {{ month_of('gl_entries.posting_date') }} as month,
        cast(
            round({{ wide_decimal('gl_entries.amount') }} * fx_rates.rate, 2) as decimal(18, 2)
        ) as amount
    from gl_entries
    inner join fx_rates
        on
            {{ month_of('gl_entries.posting_date') }} = fx_rates.month
            and gl_entries.currency = fx_rates.currency
    where gl_entries.customer_number is null

),

final as (

    select
        pool_drivers.driver,
        converted.month,
        cast(
            sum(round({{ wide_decimal('converted.amount') }} * pool_drivers.share, 2))
            as decimal(18, 2)
        ) as pool_amount,
        count(*) as gl_entries
    from converted
    inner join pool_drivers
        on converted.account_code = pool_drivers.account_code
    group by
        pool_drivers.driver,
        converted.month

)

select * from final

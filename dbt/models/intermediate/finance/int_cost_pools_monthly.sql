{#- GL cost pools per driver and month (activity-based costing): the ledger's postings on the
    accounts that seed cost_pool_drivers maps to a driver, x the account's share for that
    driver, in the reporting currency at the posting month's rate. An entry carrying a customer
    number is that customer's direct cost (int_customer_gl_costs_monthly), never a pool, so it
    is not counted twice. A driver with a pool in a month is costed at pool / total volume
    instead of its configured rate (int_cost_to_serve_drivers_monthly). -#}
with

gl_entries as (

    -- Converted once for the whole ledger (int_gl_entries_converted).
    select * from {{ ref('int_gl_entries_converted') }}

),

pool_drivers as (

    select * from {{ ref('cost_pool_drivers') }}

),

converted as (

    select
        account_code,
        month,
        amount
    from gl_entries
    where
        customer_number is null
        and has_rate

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

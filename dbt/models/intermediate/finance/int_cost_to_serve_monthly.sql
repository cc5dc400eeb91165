{#- Cost to serve per customer and month: the sum of its drivers
    (int_cost_to_serve_drivers_monthly, KPIS.md), with support and direct GL costs also apart,
    and the support cases opened.

    One row per customer_key and month; the row with a null customer_key holds the cost that
    could not be attributed to a known customer (it still counts in the company totals). -#}
with

driver_costs as (

    select * from {{ ref('int_cost_to_serve_drivers_monthly') }}

),

support as (

    select * from {{ ref('int_support_cases_monthly') }}

),

combined as (

    select
        customer_key,
        month,
        cost_to_serve,
        case when driver = 'support_hours' then cost_to_serve else 0 end as support_cost,
        case when driver = 'direct_gl' then cost_to_serve else 0 end as direct_gl_cost,
        0 as cases
    from driver_costs
    union all
    select
        customer_key,
        month,
        0 as cost_to_serve,
        0 as support_cost,
        0 as direct_gl_cost,
        cases
    from support

),

final as (

    select
        customer_key,
        month,
        cast(sum(cases) as integer) as cases,
        cast(sum(support_cost) as decimal(18, 2)) as support_cost,
        cast(sum(direct_gl_cost) as decimal(18, 2)) as direct_gl_cost,
        cast(sum(cost_to_serve) as decimal(18, 2)) as cost_to_serve
    from combined
    group by
        customer_key,
        month

)

select * from final

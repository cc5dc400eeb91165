{#- Cost to serve per customer and month: support + direct GL costs (KPIS.md).

    One row per customer_key and month; the row with a null customer_key holds the cost that
    could not be attributed to a known customer (it still counts in the company totals). -#}
with

support as (

    select * from {{ ref('int_support_costs_monthly') }}

),

gl_costs as (

    select * from {{ ref('int_customer_gl_costs_monthly') }}

),

combined as (

    select
        customer_key,
        month,
        support_cost,
        cast(0 as decimal(18, 2)) as direct_gl_cost,
        cases
    from support
    union all
    select
        customer_key,
        month,
        cast(0 as decimal(18, 2)) as support_cost,
        direct_gl_cost,
        0 as cases
    from gl_costs

),

final as (

    select
        customer_key,
        month,
        cast(sum(cases) as integer) as cases,
        cast(sum(support_cost) as decimal(18, 2)) as support_cost,
        cast(sum(direct_gl_cost) as decimal(18, 2)) as direct_gl_cost,
        cast(sum(support_cost) + sum(direct_gl_cost) as decimal(18, 2)) as cost_to_serve
    from combined
    group by
        customer_key,
        month

)

select * from final

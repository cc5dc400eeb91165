{#- Gross margin and cost to serve side by side per customer and month: every month in which
    the customer was invoiced or cost something. Costs no customer could be found for are left
    out here (they are in int_cost_to_serve_monthly and rpt_kpi_monthly). -#}
with

margins as (

    select * from {{ ref('int_customer_margin_monthly') }}

),

cost_to_serve as (

    select * from {{ ref('int_cost_to_serve_monthly') }}

),

cost_data as (

    select * from {{ ref('int_cost_data_coverage') }}

),

combined as (

    select
        customer_key,
        month,
        net_revenue,
        cogs,
        gross_margin,
        0 as support_cost,
        0 as direct_gl_cost,
        0 as cost_to_serve,
        0 as cases
    from margins
    union all
    select
        cost_to_serve.customer_key,
        cost_to_serve.month,
        0 as net_revenue,
        -- A month of cost only has no goods sold: 0, unless the company has no cost data at all
        -- (then its margins are unknown, and so is this one).
        case when cost_data.has_cost_data then 0 end as cogs,
        case when cost_data.has_cost_data then 0 end as gross_margin,
        cost_to_serve.support_cost,
        cost_to_serve.direct_gl_cost,
        cost_to_serve.cost_to_serve,
        cost_to_serve.cases
    from cost_to_serve
    cross join cost_data
    where cost_to_serve.customer_key is not null

),

final as (

    select
        customer_key,
        month,
        cast(sum(net_revenue) as decimal(18, 2)) as net_revenue,
        cast(sum(cogs) as decimal(18, 2)) as cogs,
        cast(sum(gross_margin) as decimal(18, 2)) as gross_margin,
        cast(sum(support_cost) as decimal(18, 2)) as support_cost,
        cast(sum(direct_gl_cost) as decimal(18, 2)) as direct_gl_cost,
        cast(sum(cost_to_serve) as decimal(18, 2)) as cost_to_serve,
        cast(sum(cases) as integer) as cases
    from combined
    group by
        customer_key,
        month

)

select * from final

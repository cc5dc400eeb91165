{#- Every dimension of rpt_margin_monthly splits the same monthly revenue, COGS and margin as
    rpt_kpi_monthly: rows returned are (month, dimension) pairs that do not add up. -#}
{{ config(meta={'dagster': {'ref': {'name': 'rpt_margin_monthly'}}}) }}

with

by_dimension as (

    select
        month,
        dimension,
        sum(net_revenue) as net_revenue,
        sum(cogs) as cogs,
        sum(gross_margin) as gross_margin
    from {{ ref('rpt_margin_monthly') }}
    group by
        month,
        dimension

)

select
    by_dimension.*,
    kpi.net_revenue as kpi_net_revenue
from by_dimension
left join {{ ref('rpt_kpi_monthly') }} as kpi
    on by_dimension.month = kpi.month
where
    kpi.net_revenue is distinct from by_dimension.net_revenue
    or kpi.cogs is distinct from by_dimension.cogs
    or kpi.gross_margin is distinct from by_dimension.gross_margin

{#- The company's monthly cost to serve is its customers' cost to serve plus the unattributed
    part: nothing is lost between rpt_customer_profitability and rpt_kpi_monthly. -#}
{{ config(meta={'dagster': {'ref': {'name': 'rpt_kpi_monthly'}}}) }}

with

customers as (

    select
        month,
        sum(cost_to_serve) as cost_to_serve
    from {{ ref('rpt_customer_profitability') }}
    group by month

)

select
    kpi.month,
    kpi.cost_to_serve,
    kpi.unattributed_cost_to_serve,
    customers.cost_to_serve as customers_cost_to_serve
from {{ ref('rpt_kpi_monthly') }} as kpi
left join customers
    on kpi.month = customers.month
where kpi.cost_to_serve != coalesce(customers.cost_to_serve, 0) + kpi.unattributed_cost_to_serve

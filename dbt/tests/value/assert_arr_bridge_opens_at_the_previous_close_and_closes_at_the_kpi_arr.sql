{#- Each month of the ARR bridge opens at the month before's closing ARR (the first month at 0),
    and closes at rpt_kpi_monthly.arr, so the bridge and the KPI mart tell one ARR. Rows
    returned are months where either fails. -#}
{{ config(meta={'dagster': {'ref': {'name': 'rpt_arr_bridge'}}}) }}

with

bridge as (

    select * from {{ ref('rpt_arr_bridge') }}

),

kpis as (

    select * from {{ ref('rpt_kpi_monthly') }}

),

chained as (

    select
        month,
        opening_arr,
        closing_arr,
        coalesce(lag(closing_arr) over (order by month), 0) as previous_closing_arr
    from bridge

)

select
    chained.month,
    chained.opening_arr,
    chained.previous_closing_arr,
    chained.closing_arr,
    kpis.arr as kpi_arr
from chained
left join kpis
    on chained.month = kpis.month
where
    chained.opening_arr != chained.previous_closing_arr
    or kpis.arr is null
    or chained.closing_arr != kpis.arr

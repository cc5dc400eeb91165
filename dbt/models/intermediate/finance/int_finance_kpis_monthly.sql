{#- The finance figures rpt_kpi_monthly adds per month: cost to serve (including the cost no
    customer could be found for) and DSO. Contribution margin (gross margin - cost to serve) is
    computed in rpt_kpi_monthly only, where the month's gross margin and whether it is known are.

    DSO = receivables at the month's snapshot date / net revenue of the 90 days ending that day
    x 90 (KPIS.md); receivables are the open gross amounts (tax included) of fct_receivables'
    definition, so DSO reads as days of sales outstanding as invoiced. -#}
with

cost_to_serve as (

    select * from {{ ref('int_cost_to_serve_monthly') }}

),

receivables as (

    select * from {{ ref('int_receivables_monthly') }}

),

snapshots as (

    select * from {{ ref('int_receivable_snapshot_dates') }}

),

invoice_lines as (

    select * from {{ ref('int_invoice_lines_costed') }}

),

monthly_cost as (

    select
        month,
        sum(cost_to_serve) as cost_to_serve,
        sum(case when customer_key is null then cost_to_serve else 0 end)
            as unattributed_cost_to_serve
    from cost_to_serve
    group by month

),

monthly_receivables as (

    select
        month,
        sum(open_amount) as receivables
    from receivables
    group by month

),

revenue_90_days as (

    select
        snapshots.month,
        sum(invoice_lines.net_revenue) as net_revenue_90d
    from snapshots
    inner join invoice_lines
        on
            snapshots.snapshot_date >= invoice_lines.invoice_date
            and {{ dbt.dateadd('day', -90, 'snapshots.snapshot_date') }}
            < invoice_lines.invoice_date
    group by snapshots.month

),

months as (

    select month from monthly_cost
    union
    select month from snapshots

),

final as (

    select
        months.month,
        cast(coalesce(monthly_cost.cost_to_serve, 0) as decimal(18, 2)) as cost_to_serve,
        cast(coalesce(monthly_cost.unattributed_cost_to_serve, 0) as decimal(18, 2))
            as unattributed_cost_to_serve,
        cast(coalesce(monthly_receivables.receivables, 0) as decimal(18, 2)) as receivables,
        case
            when revenue_90_days.net_revenue_90d > 0
                then
                    cast(coalesce(monthly_receivables.receivables, 0) as double) * 90
                    / cast(revenue_90_days.net_revenue_90d as double)
        end as dso_days
    from months
    left join monthly_cost
        on months.month = monthly_cost.month
    left join monthly_receivables
        on months.month = monthly_receivables.month
    left join revenue_90_days
        on months.month = revenue_90_days.month

)

select * from final

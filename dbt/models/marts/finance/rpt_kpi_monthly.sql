{#- Headline KPIs per calendar month (definitions: docs/metrics.md). A month is complete when
    the ERP has been extracted up to its last day. -#}
with

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

finance_kpis as (

    select * from {{ ref('int_finance_kpis_monthly') }}

),

months as (

    -- The calendar of every monthly report, with its completeness flag.
    select * from {{ ref('int_reporting_months') }}

),

monthly_totals as (

    select
        invoice_month as month,
        sum(net_revenue) as net_revenue,
        sum(cogs) as cogs,
        sum(gross_margin) as gross_margin,
        count(*) as invoice_lines
    from invoice_lines
    group by invoice_month

),

customer_kpis as (

    -- New, active and churned customers, blended CAC, NRR/GRR: int_customer_kpis_monthly.
    select * from {{ ref('int_customer_kpis_monthly') }}

),

final as (

    select
        months.month,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(coalesce(monthly_totals.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        cast(coalesce(monthly_totals.cogs, 0) as decimal(18, 2)) as cogs,
        cast(coalesce(monthly_totals.gross_margin, 0) as decimal(18, 2)) as gross_margin,
        case
            when coalesce(monthly_totals.net_revenue, 0) = 0 then null
            else
                cast(monthly_totals.gross_margin as double)
                / cast(monthly_totals.net_revenue as double)
        end as gross_margin_pct,
        cast(coalesce(customer_kpis.new_customers, 0) as integer) as new_customers,
        cast(coalesce(customer_kpis.active_customers, 0) as integer) as active_customers,
        cast(coalesce(monthly_totals.invoice_lines, 0) as integer) as invoice_lines,
        months.is_complete_month,
        cast(coalesce(customer_kpis.churned_customers, 0) as integer) as churned_customers,
        customer_kpis.blended_cac,
        customer_kpis.nrr_12m,
        customer_kpis.grr_12m,
        cast(coalesce(finance_kpis.cost_to_serve, 0) as decimal(18, 2)) as cost_to_serve,
        cast(coalesce(finance_kpis.unattributed_cost_to_serve, 0) as decimal(18, 2))
            as unattributed_cost_to_serve,
        cast(
            coalesce(monthly_totals.gross_margin, 0) - coalesce(finance_kpis.cost_to_serve, 0)
            as decimal(18, 2)
        ) as contribution_margin,
        finance_kpis.dso_days
    from months
    left join monthly_totals
        on months.month = monthly_totals.month
    left join customer_kpis
        on months.month = customer_kpis.month
    left join finance_kpis
        on months.month = finance_kpis.month

)

select * from final

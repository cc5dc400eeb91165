{#- Headline KPIs per calendar month (definitions: docs/metrics.md). A month is complete when
    the ERP has been extracted up to its last day.

    Margin is over the lines whose cost is known (fct_invoice_lines.has_known_cost), and
    cost_coverage_share says how much of the revenue that is: a month with sales none of which
    has a cost, or a company that delivers no cost data at all, has a null margin, never the
    100 % a zero cost would show. Guest sales count in revenue and margin, not in customers. -#}
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
        sum(case when has_known_cost then net_revenue end) as costed_net_revenue,
        count(*) as invoice_lines,
        count(case when has_known_cost and invoice_kind = 'invoice' then 1 end) as costed_lines,
        sum(case when is_unidentified_customer then net_revenue end) as unidentified_net_revenue
    from invoice_lines
    group by invoice_month

),

cost_data as (

    -- Whether any line of the company has a known cost: without any, no month has a margin.
    select * from {{ ref('int_cost_data_coverage') }}

),

margins as (

    select
        monthly_totals.month,
        monthly_totals.costed_net_revenue,
        -- Known when some invoice line of the month is costed (a credit note alone costs 0 by
        -- convention and proves nothing), or the month has no line at all (and the company
        -- has cost data): then 0 is a real zero.
        cost_data.has_cost_data
        and (monthly_totals.costed_lines > 0 or monthly_totals.invoice_lines = 0)
            as is_margin_known,
        monthly_totals.cogs,
        monthly_totals.gross_margin
    from monthly_totals
    cross join cost_data

),

customer_kpis as (

    -- New, active and churned customers, blended CAC, ARR, NRR/GRR: int_customer_kpis_monthly.
    select * from {{ ref('int_customer_kpis_monthly') }}

),

final as (

    select
        months.month,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(coalesce(monthly_totals.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        case
            when coalesce(margins.is_margin_known, cost_data.has_cost_data)
                then cast(coalesce(margins.cogs, 0) as decimal(18, 2))
        end as cogs,
        case
            when coalesce(margins.is_margin_known, cost_data.has_cost_data)
                then cast(coalesce(margins.gross_margin, 0) as decimal(18, 2))
        end as gross_margin,
        case
            when coalesce(margins.costed_net_revenue, 0) = 0 then null
            else
                cast(margins.gross_margin as double)
                / cast(margins.costed_net_revenue as double)
        end as gross_margin_pct,
        cast(coalesce(customer_kpis.new_customers, 0) as integer) as new_customers,
        cast(coalesce(customer_kpis.active_customers, 0) as integer) as active_customers,
        cast(coalesce(monthly_totals.invoice_lines, 0) as integer) as invoice_lines,
        months.is_complete_month,
        cast(coalesce(customer_kpis.churned_customers, 0) as integer) as churned_customers,
        customer_kpis.blended_cac,
        customer_kpis.nrr_12m,
        customer_kpis.grr_12m,
        cast(coalesce(customer_kpis.arr, 0) as decimal(18, 2)) as arr,
        customer_kpis.nrr_all_revenue_12m,
        customer_kpis.grr_all_revenue_12m,
        cast(coalesce(finance_kpis.cost_to_serve, 0) as decimal(18, 2)) as cost_to_serve,
        cast(coalesce(finance_kpis.unattributed_cost_to_serve, 0) as decimal(18, 2))
            as unattributed_cost_to_serve,
        case
            when coalesce(margins.is_margin_known, cost_data.has_cost_data)
                then cast(
                    coalesce(margins.gross_margin, 0) - coalesce(finance_kpis.cost_to_serve, 0)
                    as decimal(18, 2)
                )
        end as contribution_margin,
        finance_kpis.dso_days,
        case
            when coalesce(monthly_totals.net_revenue, 0) != 0
                then
                    cast(margins.costed_net_revenue as double)
                    / cast(monthly_totals.net_revenue as double)
        end as cost_coverage_share,
        cast(margins.costed_net_revenue as decimal(18, 2)) as costed_net_revenue,
        cast(coalesce(monthly_totals.unidentified_net_revenue, 0) as decimal(18, 2))
            as unidentified_net_revenue
    from months
    cross join cost_data
    left join monthly_totals
        on months.month = monthly_totals.month
    left join margins
        on months.month = margins.month
    left join customer_kpis
        on months.month = customer_kpis.month
    left join finance_kpis
        on months.month = finance_kpis.month

)

select * from final

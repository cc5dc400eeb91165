{#- Headline KPIs per calendar month (definitions: docs/metrics.md). A month is complete when
    the ERP has been extracted up to its last day. -#}
with

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

fx_rates as (

    select * from {{ ref('stg_erp__fx_rates') }}

),

finance_kpis as (

    select * from {{ ref('int_finance_kpis_monthly') }}

),

erp_invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

bounds as (

    select
        min(invoice_month) as first_month,
        max(invoice_month) as last_month
    from invoice_lines

),

months as (

    -- The ERP publishes a rate for every month: its months are the calendar.
    select distinct fx_rates.month
    from fx_rates
    inner join bounds
        on fx_rates.month between bounds.first_month and bounds.last_month

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

customer_months as (

    select
        customer_key,
        invoice_month as month,
        sum(net_revenue) as net_revenue
    from invoice_lines
    group by
        customer_key,
        invoice_month

),

active_in_window as (

    -- Active in month m: net revenue > 0 over the 12 months ending with m.
    select
        months.month,
        customer_months.customer_key
    from months
    inner join customer_months
        on
            months.month >= customer_months.month
            and {{ add_months('months.month', -12) }} < customer_months.month
    group by
        months.month,
        customer_months.customer_key
    having sum(customer_months.net_revenue) > 0

),

active_customers as (

    select
        month,
        count(*) as active_customers
    from active_in_window
    group by month

),

new_customers as (

    -- New in month m: the customer's first invoice falls in m (its acquisition cohort).
    select
        acquisition_month as month,
        count(*) as new_customers
    from (
        select
            customer_key,
            min(invoice_month) as acquisition_month
        from invoice_lines
        where invoice_kind = 'invoice'
        group by customer_key
    ) as first_invoices
    group by acquisition_month

),

data_as_of as (

    select max(_extract_date) as extracted_through
    from erp_invoices

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
        cast(coalesce(new_customers.new_customers, 0) as integer) as new_customers,
        cast(coalesce(active_customers.active_customers, 0) as integer) as active_customers,
        cast(coalesce(monthly_totals.invoice_lines, 0) as integer) as invoice_lines,
        {{ add_months('months.month', 1) }} <= data_as_of.extracted_through as is_complete_month,
        cast(coalesce(finance_kpis.cost_to_serve, 0) as decimal(18, 2)) as cost_to_serve,
        cast(coalesce(finance_kpis.unattributed_cost_to_serve, 0) as decimal(18, 2))
            as unattributed_cost_to_serve,
        cast(
            coalesce(monthly_totals.gross_margin, 0) - coalesce(finance_kpis.cost_to_serve, 0)
            as decimal(18, 2)
        ) as contribution_margin,
        finance_kpis.dso_days
    from months
    cross join data_as_of
    left join monthly_totals
        on months.month = monthly_totals.month
    left join active_customers
        on months.month = active_customers.month
    left join new_customers
        on months.month = new_customers.month
    left join finance_kpis
        on months.month = finance_kpis.month

)

select * from final

{#- Headline KPIs per calendar month (definitions: docs/metrics.md). A month is complete when
    the ERP has been extracted up to its last day. -#}
with

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

fx_rates as (

    select * from {{ ref('stg_erp__fx_rates') }}

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

customer_kpis as (

    -- New, active and churned customers, blended CAC, NRR/GRR: int_customer_kpis_monthly.
    select * from {{ ref('int_customer_kpis_monthly') }}

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
        cast(coalesce(customer_kpis.new_customers, 0) as integer) as new_customers,
        cast(coalesce(customer_kpis.active_customers, 0) as integer) as active_customers,
        cast(coalesce(monthly_totals.invoice_lines, 0) as integer) as invoice_lines,
        {{ add_months('months.month', 1) }} <= data_as_of.extracted_through as is_complete_month,
        cast(coalesce(customer_kpis.churned_customers, 0) as integer) as churned_customers,
        customer_kpis.blended_cac,
        customer_kpis.nrr_12m,
        customer_kpis.grr_12m
    from months
    cross join data_as_of
    left join monthly_totals
        on months.month = monthly_totals.month
    left join customer_kpis
        on months.month = customer_kpis.month

)

select * from final

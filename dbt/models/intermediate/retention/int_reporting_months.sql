{#- The calendar of the monthly reports: every month from the first to the last invoice month
    (int_fx_rates_monthly, from the ERP or the ECB, has a rate for every month: its months are
    the calendar), as in rpt_kpi_monthly. A month is complete when the ERP has been extracted
    through its last day. -#}
with

invoice_lines as (

    select * from {{ ref('int_invoice_lines_costed') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

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

data_as_of as (

    select max(_extract_date) as extracted_through
    from erp_invoices

),

months as (

    select distinct fx_rates.month
    from fx_rates
    inner join bounds
        on fx_rates.month between bounds.first_month and bounds.last_month

),

final as (

    select
        months.month,
        row_number() over (order by months.month) as month_number,
        {{ add_months('months.month', 1) }} <= data_as_of.extracted_through as is_complete_month
    from months
    cross join data_as_of

)

select * from final

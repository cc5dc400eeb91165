{#- Reconciliation: per month, the invoice-line fact holds the same lines and the same money as
    the ERP's invoices (latest versions, cancelled ones out, credit notes subtracted), converted
    at the same monthly rates and rounded per line (documents in a currency nobody quotes left
    out of both: int_invoices_without_rate). Rows returned are months that differ. -#}
{{ config(meta={'dagster': {'ref': {'name': 'fct_invoice_lines'}}}) }}

with

erp as (

    select
        {{ month_of('invoices.invoice_date') }} as month,
        count(*) as line_count,
        sum(
            round(
                {{ wide_decimal(
                    "case when invoices.kind = 'credit_note' then -invoice_lines.net_amount"
                    ~ " else invoice_lines.net_amount end"
                ) }} * fx_rates.rate,
                2
            )
        ) as net_revenue
    from {{ ref('stg_erp__invoice_lines') }} as invoice_lines
    inner join {{ ref('stg_erp__invoices') }} as invoices
        on invoice_lines.invoice_number = invoices.invoice_number
    left join {{ ref('int_fx_rates_monthly') }} as fx_rates
        on
            {{ month_of('invoices.invoice_date') }} = fx_rates.month
            and invoices.currency = fx_rates.currency
    left join {{ ref('int_invoices_without_rate') }} as without_rate
        on invoices.invoice_number = without_rate.invoice_number
    where
        coalesce(invoices.status, '') != 'cancelled'
        and without_rate.invoice_number is null
    group by {{ month_of('invoices.invoice_date') }}

),

fact as (

    select
        invoice_month as month,
        count(*) as line_count,
        sum(net_revenue) as net_revenue
    from {{ ref('fct_invoice_lines') }}
    group by invoice_month

),

kpi as (

    select
        month,
        invoice_lines as line_count,
        net_revenue
    from {{ ref('rpt_kpi_monthly') }}
    where invoice_lines > 0

)

select
    coalesce(erp.month, fact.month, kpi.month) as month,
    erp.line_count as erp_lines,
    fact.line_count as fact_lines,
    erp.net_revenue as erp_net_revenue,
    fact.net_revenue as fact_net_revenue,
    kpi.net_revenue as kpi_net_revenue
from erp
full outer join fact
    on erp.month = fact.month
full outer join kpi
    on coalesce(erp.month, fact.month) = kpi.month
where
    erp.line_count is distinct from fact.line_count
    or erp.net_revenue is distinct from fact.net_revenue
    or fact.net_revenue is distinct from kpi.net_revenue

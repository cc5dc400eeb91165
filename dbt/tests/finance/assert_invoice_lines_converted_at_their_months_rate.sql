{#- Warning: invoice lines converted at a rate quoted for another month. int_fx_rates_monthly
    carries a currency's nearest quote into a month nobody quoted: the ERP has not delivered
    that month's rates yet, or, without an ERP FX table, the month is newer than the ECB file
    shipped with the code. Each row is an invoice month and currency so converted, with the
    month whose rate was used and how many lines. The next build after the month's rate lands
    converts them again. -#}
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_invoice_lines'}}}) }}

select
    invoice_lines.invoice_month,
    invoice_lines.document_currency,
    fx_rates.rate_month,
    fx_rates.rate_source,
    count(*) as invoice_lines
from {{ ref('fct_invoice_lines') }} as invoice_lines
inner join {{ ref('int_fx_rates_monthly') }} as fx_rates
    on
        invoice_lines.invoice_month = fx_rates.month
        and invoice_lines.document_currency = fx_rates.currency
where fx_rates.rate_month != fx_rates.month
group by
    invoice_lines.invoice_month,
    invoice_lines.document_currency,
    fx_rates.rate_month,
    fx_rates.rate_source

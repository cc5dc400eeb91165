{#- Invoices and credit notes in a currency nobody quotes (neither the ERP's fx_rates nor the
    ECB, in any month): the one home of the rule that leaves them out of every reporting-currency
    figure. int_fx_rates_monthly gives every currency quoted at all a rate for every month a
    document can have, so these are the only documents without one. Before, their null amounts
    broke the invoice lines' and receivables' not-null contracts and every refresh stopped on
    them; now the invoice lines, receivables and their reconciliation leave them out, and the
    warning test every_invoice_has_an_exchange_rate names each one until the ERP quotes
    its currency (the next build converts it then). -#}
with

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

quoted_currencies as (

    select distinct currency
    from fx_rates

),

final as (

    select
        invoices.invoice_number,
        invoices.currency,
        invoices.invoice_date
    from invoices
    left join quoted_currencies
        on invoices.currency = quoted_currencies.currency
    where quoted_currencies.currency is null

)

select * from final

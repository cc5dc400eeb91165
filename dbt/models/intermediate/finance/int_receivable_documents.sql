{#- Every invoice and credit note as a receivable: gross amount (net + tax), what was paid on it
    and when, and the day it stopped being owed.

    Choices (docs/metrics.md, finance):
    - amounts stay in the document currency here; the marts convert them at the rate of the
      invoice's month, so a fully paid invoice leaves exactly nothing open (no FX residue);
    - a credit note is settled the day it is issued (the ERP refunds or offsets it and marks it
      paid with no payment row): it is never open;
    - an invoice is settled on the day its payments reach its gross amount, or, when the ERP
      marks it paid without enough payments on file, on its last payment or the extract that
      said so;
    - a cancelled invoice stops being owed on the extract date that reported the cancellation;
      whatever was paid on it becomes an unapplied credit of the customer, as does a payment
      beyond the gross amount;
    - a document in a currency nobody quotes is left out, as from the invoice lines
      (int_invoices_without_rate). -#}
with

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

payments as (

    select * from {{ ref('stg_erp__payments') }}

),

customer_keys as (

    select * from {{ ref('int_customer_keys_by_erp_number') }}

),

invoices_without_rate as (

    select * from {{ ref('int_invoices_without_rate') }}

),

gross_amounts as (

    select
        invoice_number,
        sum(net_amount + coalesce(tax_amount, 0)) as gross_amount
    from invoice_lines
    group by invoice_number

),

running_payments as (

    select
        invoice_number,
        payment_date,
        amount,
        sum(amount) over (
            partition by invoice_number
            order by payment_date, payment_id
            rows between unbounded preceding and current row
        ) as paid_to_date
    from payments

),

paid as (

    select
        running_payments.invoice_number,
        count(*) as payments,
        sum(running_payments.amount) as paid_amount,
        min(running_payments.payment_date) as first_payment_date,
        max(running_payments.payment_date) as last_payment_date,
        min(
            case
                when running_payments.paid_to_date >= gross_amounts.gross_amount
                    then running_payments.payment_date
            end
        ) as paid_in_full_date
    from running_payments
    inner join gross_amounts
        on running_payments.invoice_number = gross_amounts.invoice_number
    group by running_payments.invoice_number

),

documents as (

    select
        invoices.invoice_number,
        invoices.kind as invoice_kind,
        invoices.status as invoice_status,
        invoices.customer_number,
        customer_keys.customer_key,
        invoices.invoice_date,
        coalesce(invoices.due_date, invoices.invoice_date) as due_date,
        invoices.currency as document_currency,
        case
            when invoices.kind = 'credit_note' then -gross_amounts.gross_amount
            else gross_amounts.gross_amount
        end as gross_amount_document,
        coalesce(paid.payments, 0) as payments,
        coalesce(paid.paid_amount, 0) as paid_amount_document,
        paid.first_payment_date,
        paid.last_payment_date,
        paid.paid_in_full_date,
        case
            when invoices.status = 'cancelled' then invoices._extract_date
        end as cancelled_date,
        invoices._extract_date as extract_date
    from invoices
    inner join gross_amounts
        on invoices.invoice_number = gross_amounts.invoice_number
    left join paid
        on invoices.invoice_number = paid.invoice_number
    left join customer_keys
        on invoices.customer_number = customer_keys.customer_number
    left join invoices_without_rate
        on invoices.invoice_number = invoices_without_rate.invoice_number
    where invoices_without_rate.invoice_number is null

),

final as (

    select
        *,
        case
            when invoice_kind = 'credit_note' then invoice_date
            when cancelled_date is not null then cancelled_date
            when paid_in_full_date is not null then paid_in_full_date
            when invoice_status = 'paid' then coalesce(last_payment_date, extract_date)
        end as settled_date,
        case
            when cancelled_date is not null then paid_amount_document
            when invoice_kind = 'credit_note' then paid_amount_document
            when paid_amount_document > gross_amount_document
                then paid_amount_document - gross_amount_document
            else 0
        end as unapplied_amount_document
    from documents

)

select * from final

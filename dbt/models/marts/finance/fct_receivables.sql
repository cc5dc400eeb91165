{#- One row per invoice and credit note with what was billed, paid and is still open.

    "Open at date d" is a filter: issued on or before d (invoice_date <= d) and not settled by d
    (settled_date is null or settled_date > d); the amount open on that day for a partly paid
    invoice is in rpt_receivables_monthly (month ends). Money in the reporting currency uses
    the rate of the invoice's month for the invoice and all its payments. -#}
with

documents as (

    select * from {{ ref('int_receivable_documents') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

data_as_of as (

    select max(extract_date) as as_of_date
    from documents

),

open_now as (

    select
        documents.*,
        data_as_of.as_of_date,
        case
            when documents.settled_date is not null then 0
            when documents.gross_amount_document > documents.paid_amount_document
                then documents.gross_amount_document - documents.paid_amount_document
            else 0
        end as open_amount_document
    from documents
    cross join data_as_of

),

final as (

    select
        open_now.invoice_number,
        open_now.invoice_kind,
        open_now.invoice_status,
        open_now.customer_key,
        open_now.customer_number as erp_customer_number,
        open_now.invoice_date,
        open_now.due_date,
        open_now.first_payment_date,
        open_now.paid_in_full_date,
        open_now.cancelled_date,
        open_now.settled_date,
        cast(open_now.payments as integer) as payments,
        open_now.document_currency,
        cast(open_now.gross_amount_document as decimal(18, 2)) as gross_amount_document,
        cast(open_now.paid_amount_document as decimal(18, 2)) as paid_amount_document,
        cast(open_now.open_amount_document as decimal(18, 2)) as open_amount_document,
        fx_rates.rate as fx_rate,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(
            round({{ wide_decimal('open_now.gross_amount_document') }} * fx_rates.rate, 2)
            as decimal(18, 2)
        ) as gross_amount,
        cast(
            round({{ wide_decimal('open_now.paid_amount_document') }} * fx_rates.rate, 2)
            as decimal(18, 2)
        ) as paid_amount,
        cast(
            round({{ wide_decimal('open_now.open_amount_document') }} * fx_rates.rate, 2)
            as decimal(18, 2)
        ) as open_amount,
        cast(
            round({{ wide_decimal('open_now.unapplied_amount_document') }} * fx_rates.rate, 2)
            as decimal(18, 2)
        ) as unapplied_amount,
        open_now.as_of_date,
        open_now.open_amount_document > 0 and open_now.due_date < open_now.as_of_date
            as is_overdue,
        case
            when open_now.open_amount_document > 0 and open_now.due_date < open_now.as_of_date
                then cast(
                    {{ dbt.datediff('open_now.due_date', 'open_now.as_of_date', 'day') }}
                    as integer
                )
        end as days_past_due
    from open_now
    left join fx_rates
        on
            {{ month_of('open_now.invoice_date') }} = fx_rates.month
            and open_now.document_currency = fx_rates.currency

)

select * from final

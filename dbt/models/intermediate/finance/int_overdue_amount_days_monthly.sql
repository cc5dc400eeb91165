{#- Payment behaviour per customer and month: the overdue amount of the customer's invoices
    summed over every day of the month it was overdue (amount x days late), in the reporting
    currency. The volume of the cost-to-serve driver overdue_amount_years (/ 365, x the annual
    cost of capital).

    An invoice is late from the day after its due date until the day it was settled
    (int_receivable_documents: paid in full, or cancelled), or through the newest extract while
    it is open. A payment reduces the overdue amount from its own day on, so a partly paid
    invoice costs only what is still owed. Amounts convert at the invoice month's rate, as the
    receivables do. Credit notes are never owed. -#}
with

documents as (

    select * from {{ ref('int_receivable_documents') }}

),

payments as (

    select * from {{ ref('stg_erp__payments') }}

),

snapshots as (

    select * from {{ ref('int_receivable_snapshot_dates') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

data_as_of as (

    select max(snapshot_date) as extracted_through
    from snapshots

),

late_invoices as (

    select
        case
            when documents.customer_number is null then {{ unidentified_customer_key() }}
            else documents.customer_key
        end as customer_key,
        documents.invoice_number,
        documents.invoice_date,
        documents.document_currency,
        documents.gross_amount_document,
        cast({{ dbt.dateadd('day', 1, 'documents.due_date') }} as date) as late_from,
        cast(
            coalesce(
                documents.settled_date,
                {{ dbt.dateadd('day', 1, 'data_as_of.extracted_through') }}
            ) as date
        ) as late_until
    from documents
    cross join data_as_of
    where
        documents.invoice_kind = 'invoice'
        and documents.gross_amount_document > 0

),

-- The overdue amount changes on the due date (+ gross) and on every later payment (- amount);
-- summing each change over the days it holds gives amount x days late.
changes as (

    select
        customer_key,
        invoice_number,
        invoice_date,
        document_currency,
        late_from as changed_from,
        late_until,
        gross_amount_document as amount
    from late_invoices
    union all
    select
        late_invoices.customer_key,
        late_invoices.invoice_number,
        late_invoices.invoice_date,
        late_invoices.document_currency,
        greatest(late_invoices.late_from, payments.payment_date) as changed_from,
        late_invoices.late_until,
        -payments.amount as amount
    from late_invoices
    inner join payments
        on late_invoices.invoice_number = payments.invoice_number

),

change_days as (

    select
        changes.customer_key,
        snapshots.month,
        changes.invoice_date,
        changes.document_currency,
        changes.amount,
        {{ dbt.datediff(
            'greatest(changes.changed_from, snapshots.month)',
            'least(changes.late_until, ' ~ add_months('snapshots.month', 1) ~ ')',
            'day',
        ) }} as days_late
    from changes
    inner join snapshots
        on
            changes.changed_from < {{ add_months('snapshots.month', 1) }}
            and changes.late_until > snapshots.month
    where changes.changed_from < changes.late_until

),

final as (

    select
        change_days.customer_key,
        change_days.month,
        'overdue_amount_years' as driver,
        -- Each product rounded to 6 decimals first: Spark keeps 6 of a wide product's decimals,
        -- DuckDB all of them, and the sums must agree.
        cast(
            sum(
                round(
                    {{ wide_decimal('change_days.amount') }}
                    * change_days.days_late
                    * fx_rates.rate,
                    6
                )
            ) as decimal(38, 6)
        ) as quantity,
        365 as quantity_per_unit
    from change_days
    inner join fx_rates
        on
            {{ month_of('change_days.invoice_date') }} = fx_rates.month
            and change_days.document_currency = fx_rates.currency
    group by
        change_days.customer_key,
        change_days.month

)

select * from final

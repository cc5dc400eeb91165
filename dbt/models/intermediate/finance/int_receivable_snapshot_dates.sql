{#- One snapshot date per calendar month, from the first invoice's month to the newest
    extract: the month's last day, or the newest extract date for the month still running. -#}
with

documents as (

    select * from {{ ref('int_receivable_documents') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

bounds as (

    select
        min({{ month_of('invoice_date') }}) as first_month,
        max(extract_date) as as_of_date
    from documents

),

final as (

    -- The rate table (ERP, else ECB) has every month: its months are the calendar.
    select distinct
        fx_rates.month,
        least(
            cast({{ dbt.dateadd('day', -1, add_months('fx_rates.month', 1)) }} as date),
            bounds.as_of_date
        ) as snapshot_date
    from fx_rates
    inner join bounds
        on
            fx_rates.month >= bounds.first_month
            and fx_rates.month <= bounds.as_of_date

)

select * from final

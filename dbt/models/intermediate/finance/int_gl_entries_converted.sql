{#- Every general-ledger entry in the reporting currency: converted at its posting month's rate
    and rounded to the cent (null when the month has no rate for its currency: has_rate).
    The one conversion of the ledger: entries carrying a customer number are that customer's
    direct cost (int_customer_gl_costs_monthly), the others feed the cost pools
    (int_cost_pools_monthly). -#}
with

gl_entries as (

    select * from {{ ref('stg_erp__gl_entries') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

final as (

    select
        gl_entries.entry_id,
        gl_entries.account_code,
        gl_entries.customer_number,
        {{ month_of('gl_entries.posting_date') }} as month,
        fx_rates.month is not null as has_rate,
        cast(
            round({{ wide_decimal('gl_entries.amount') }} * fx_rates.rate, 2) as decimal(18, 2)
        ) as amount
    from gl_entries
    left join fx_rates
        on
            {{ month_of('gl_entries.posting_date') }} = fx_rates.month
            and gl_entries.currency = fx_rates.currency

)

select * from final

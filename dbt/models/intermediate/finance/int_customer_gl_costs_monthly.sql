{#- Direct customer costs booked in the general ledger (shipping and any other posting that
    carries a customer number), per customer and posting month, in the reporting currency.

    Each entry is converted at its posting month's rate and rounded to the cent. A customer
    number no ERP record or invoice knows keeps a null customer_key (visible, not dropped). -#}
with

gl_entries as (

    -- Converted once for the whole ledger (int_gl_entries_converted).
    select * from {{ ref('int_gl_entries_converted') }}

),

customer_keys as (

    select * from {{ ref('int_customer_keys_by_erp_number') }}

),

converted as (

    select
        customer_keys.customer_key,
        gl_entries.month,
        gl_entries.amount
    from gl_entries
    left join customer_keys
        on gl_entries.customer_number = customer_keys.customer_number
    where gl_entries.customer_number is not null

),

final as (

    select
        customer_key,
        month,
        count(*) as gl_entries,
        cast(sum(amount) as decimal(18, 2)) as direct_gl_cost
    from converted
    group by
        customer_key,
        month

)

select * from final

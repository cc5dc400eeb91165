with

source as (

    select * from {{ source('erp', 'payments') }}

),

latest as (

    {{ latest_version('source', ['payment_id'], none) }}

),

final as (

    select
        payment_id,
        customer_number,
        invoice_number,
        payment_date,
        amount,
        currency,
        method,
        _load_id,
        _source_file,
        _extract_date,
        _row_number
    from latest

)

select * from final

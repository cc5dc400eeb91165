with

source as (

    select * from {{ source('erp', 'invoices') }}

),

latest as (

    {{ latest_version('source', ['invoice_number'], none) }}

),

final as (

    select
        invoice_number,
        customer_number,
        order_number,
        kind,
        invoice_date,
        due_date,
        currency,
        status,
        _load_id,
        _source_file,
        _extract_date,
        _row_number
    from latest

)

select * from final

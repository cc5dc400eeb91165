with

source as (

    select * from {{ source('erp', 'sales_order_lines') }}

),

latest as (

    {{ latest_version('source', ['order_number', 'line_number'], none) }}

),

final as (

    select
        order_number,
        line_number,
        sku,
        quantity,
        unit_price,
        discount_pct,
        _load_id,
        _source_file,
        _extract_date,
        _row_number
    from latest

)

select * from final

with

source as (

    select * from {{ source('erp', 'product_costs') }}

),

latest as (

    {{ latest_version('source', ['sku', 'valid_from'], none) }}

),

final as (

    select
        sku,
        valid_from,
        standard_unit_cost,
        currency,
        _load_id,
        _source_file,
        _extract_date,
        _row_number
    from latest

)

select * from final

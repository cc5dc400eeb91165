{%- set business_key = ['sku'] -%}
with

source as (

    select * from {{ source('erp', 'products') }}

),

latest as (

    {{ latest_version('source', business_key, none, has_snapshots=true) }}

),

final as (

    select
        sku,
        name,
        category,
        product_line,
        kind,
        list_price,
        currency,
        is_active,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        is_present
    from latest

)

select * from final

{%- set business_key = ['order_number', 'line_number'] -%}
{{ incremental_staging_config('erp', 'sales_order_lines', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'sales_order_lines'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

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
        _row_number,
        _loaded_at
    from latest

)

select * from final

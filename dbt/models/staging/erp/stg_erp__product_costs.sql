{%- set business_key = ['sku', 'valid_from'] -%}
{{ incremental_staging_config('erp', 'product_costs', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'product_costs'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

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
        _row_number,
        _loaded_at
    from latest

)

select * from final

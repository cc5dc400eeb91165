{{ incremental_staging_config('erp', 'product_costs', ['sku', 'valid_from']) }}

with

source as (

    {{ staging_versions(source('erp', 'product_costs'), ['sku', 'valid_from']) }}

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
        _row_number,
        _loaded_at
    from latest

)

select * from final

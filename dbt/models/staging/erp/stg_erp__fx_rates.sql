{%- set business_key = ['month', 'currency'] -%}
{{ incremental_staging_config('erp', 'fx_rates', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'fx_rates'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        month,
        currency,
        rate,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final

{%- set business_key = ['project_id'] -%}
{{ incremental_staging_config('erp', 'projects', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'projects'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        project_id,
        customer_number,
        name,
        billing_type,
        start_date,
        end_date,
        budget,
        currency,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final

{%- set business_key = ['user_id'] -%}
{{ incremental_staging_config('crm', 'users', business_key) }}

with

source as (

    {{ staging_versions(source('crm', 'users'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        user_id,
        name,
        role,
        team,
        region,
        is_active,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final

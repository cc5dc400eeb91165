{%- set business_key = ['case_id'] -%}
{{ incremental_staging_config('crm', 'cases', business_key) }}

with

source as (

    {{ staging_versions(source('crm', 'cases'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        case_id,
        account_id,
        contact_id,
        origin,
        priority,
        status,
        created_at,
        closed_at,
        handle_minutes,
        csat_score,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final

{%- set business_key = ['activity_id'] -%}
{{ incremental_staging_config('crm', 'activities', business_key) }}

with

source as (

    {{ staging_versions(source('crm', 'activities'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        activity_id,
        account_id,
        contact_id,
        type,
        subject,
        activity_at,
        owner_id,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final

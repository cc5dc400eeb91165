{%- set business_key = ['lead_id'] -%}
{{ incremental_staging_config('crm', 'leads', business_key) }}

with

source as (

    {{ staging_versions(source('crm', 'leads'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        lead_id,
        company,
        first_name,
        last_name,
        email,
        lead_source,
        status,
        campaign_id,
        created_at,
        converted_at,
        converted_account_id,
        converted_opportunity_id,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final

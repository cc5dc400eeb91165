{%- set business_key = ['campaign_id'] -%}
{{ incremental_staging_config('crm', 'campaigns', business_key) }}

with

source as (

    {{ staging_versions(source('crm', 'campaigns'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        campaign_id,
        name,
        channel,
        start_date,
        end_date,
        budgeted_cost,
        actual_cost,
        currency,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final

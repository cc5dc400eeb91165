{%- set business_key = ['opportunity_id'] -%}
{{ incremental_staging_config('crm', 'opportunities', business_key) }}

with

source as (

    {{ staging_versions(source('crm', 'opportunities'), business_key) }}

),

latest as (

    {{ latest_version(
        'source', business_key, 'last_modified_at', deleted_column='is_deleted'
    ) }}

),

final as (

    select
        opportunity_id,
        account_id,
        name,
        type,
        stage,
        probability,
        amount,
        currency,
        close_date,
        lead_source,
        campaign_id,
        owner_id,
        created_at,
        last_modified_at,
        is_deleted,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final

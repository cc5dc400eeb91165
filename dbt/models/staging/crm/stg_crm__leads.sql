{{ incremental_staging_config('crm', 'leads', ['lead_id']) }}

with

source as (

    {{ staging_versions(source('crm', 'leads'), ['lead_id']) }}

),

latest as (

    {{ latest_version('source', ['lead_id'], none) }}

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

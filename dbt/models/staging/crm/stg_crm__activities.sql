{{ incremental_staging_config('crm', 'activities', ['activity_id']) }}

with

source as (

    {{ staging_versions(source('crm', 'activities'), ['activity_id']) }}

),

latest as (

    {{ latest_version('source', ['activity_id'], none) }}

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

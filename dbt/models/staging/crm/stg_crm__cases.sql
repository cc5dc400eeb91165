{{ incremental_staging_config('crm', 'cases', ['case_id']) }}

with

source as (

    {{ staging_versions(source('crm', 'cases'), ['case_id']) }}

),

latest as (

    {{ latest_version('source', ['case_id'], none) }}

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

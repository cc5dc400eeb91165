{{ incremental_staging_config('crm', 'users', ['user_id']) }}

with

source as (

    {{ staging_versions(source('crm', 'users'), ['user_id']) }}

),

latest as (

    {{ latest_version('source', ['user_id'], none) }}

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

with

source as (

    select * from {{ source('crm', 'users') }}

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
        _row_number
    from latest

)

select * from final

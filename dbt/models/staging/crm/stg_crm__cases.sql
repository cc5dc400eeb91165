with

source as (

    select * from {{ source('crm', 'cases') }}

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
        _row_number
    from latest

)

select * from final

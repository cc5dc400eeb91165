with

source as (

    select * from {{ source('crm', 'activities') }}

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
        _row_number
    from latest

)

select * from final

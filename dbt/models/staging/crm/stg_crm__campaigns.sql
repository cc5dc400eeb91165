with

source as (

    select * from {{ source('crm', 'campaigns') }}

),

latest as (

    {{ latest_version('source', ['campaign_id'], none) }}

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
        _row_number
    from latest

)

select * from final

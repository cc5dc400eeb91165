with

source as (

    select * from {{ source('erp', 'fx_rates') }}

),

latest as (

    {{ latest_version('source', ['month', 'currency'], none) }}

),

final as (

    select
        month,
        currency,
        rate,
        _load_id,
        _source_file,
        _extract_date,
        _row_number
    from latest

)

select * from final

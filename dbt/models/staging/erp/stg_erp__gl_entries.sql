with

source as (

    select * from {{ source('erp', 'gl_entries') }}

),

latest as (

    {{ latest_version('source', ['entry_id'], none) }}

),

final as (

    select
        entry_id,
        posting_date,
        account_code,
        account_name,
        cost_centre,
        amount,
        currency,
        campaign_code,
        customer_number,
        description,
        _load_id,
        _source_file,
        _extract_date,
        _row_number
    from latest

)

select * from final
